package tinyfm.finetuning;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import tinyfm.base.ModelFile;
import tinyfm.model.Gpt;
import tinyfm.tokenizer.Tokenizer;
import tinyfm.util.UserError;

/** A fine-tuned classifier as one file: the base's container, plus the head and the label names. */
public record FineTunedModel(Classifier classifier, Tokenizer tokenizer, List<String> labels, JsonObject provenance) {

    /** The file's entry that says how many tokens of each text the classifier reads (absent before it existed: all it can). */
    private static final String READING = "classifier.json";

    public void save(Path file) {
        Map<String, byte[]> extras = new LinkedHashMap<>();
        extras.put("head.nd4j", ModelFile.arrayBytes(classifier.head().values()));
        JsonArray names = new JsonArray();
        labels.forEach(names::add);
        extras.put("labels.json", names.toString().getBytes(StandardCharsets.UTF_8));
        JsonObject reading = new JsonObject(); // how the classifier reads a text, so classify cuts it as training did
        reading.addProperty("max_tokens", classifier.maxTokens());
        extras.put(READING, reading.toString().getBytes(StandardCharsets.UTF_8));
        Gpt body = classifier.body();
        new ModelFile(ModelFile.Kind.FINETUNED, body.config(), tokenizer, body.parameters().values(), provenance, extras).save(file);
    }

    public static FineTunedModel load(Path file) {
        ModelFile m = ModelFile.load(file, ModelFile.Kind.FINETUNED,
                "this command needs a fine-tuned model from 'tinyfm finetune' (a base goes to --base)");
        byte[] labelBytes = m.extras().get("labels.json"), headBytes = m.extras().get("head.nd4j");
        if (labelBytes == null || headBytes == null) {
            throw new UserError(file + ": fine-tuned model file lacks its head or labels");
        }
        List<String> labels = new ArrayList<>();
        JsonParser.parseString(new String(labelBytes, StandardCharsets.UTF_8)).getAsJsonArray().forEach(e -> labels.add(e.getAsString()));
        Gpt body = tinyfm.base.Bases.languageModel(new ModelFile(ModelFile.Kind.BASE, m.config(), m.tokenizer(), m.weights(), m.provenance(), Map.of()), file);
        INDArray headValues = ModelFile.readArray(headBytes);
        Classifier classifier = null;
        for (Classifier.Readout readout : Classifier.Readout.values()) { // the head's size says what it reads
            Classifier candidate = new Classifier(body, labels.size(), readout, maxTokens(file, m.extras().get(READING)));
            if (candidate.head().count() == headValues.length()) {
                classifier = candidate;
            }
        }
        if (classifier == null) {
            throw new UserError(file + ": the classifier head has " + headValues.length() + " weights, which fits no readout of this model");
        }
        classifier.head().values().assign(headValues.reshape(classifier.head().count()));
        return new FineTunedModel(classifier, m.tokenizer(), List.copyOf(labels), m.provenance());
    }

    private static int maxTokens(Path file, byte[] reading) {
        if (reading == null) {
            return FineTuneConfig.WHOLE_CONTEXT;
        }
        int n;
        try {
            n = JsonParser.parseString(new String(reading, StandardCharsets.UTF_8)).getAsJsonObject().get("max_tokens").getAsInt();
        } catch (RuntimeException e) {
            n = 0;
        }
        if (n < 2) {
            throw new UserError(file + ": corrupt model file (" + READING + " does not give max_tokens of 2 or more)");
        }
        return n;
    }
}
