package tinyfm.data;

/** One labelled example of a downstream task. */
public record Example(String text, String label) {}
