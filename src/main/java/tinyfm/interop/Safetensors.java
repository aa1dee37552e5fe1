package tinyfm.interop;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import tinyfm.util.AtomicFiles;
import tinyfm.util.UserError;

/**
 * The safetensors format, written and read by hand: an 8-byte little-endian header length, a JSON
 * header naming each tensor's dtype, shape and byte range, then the tensors' little-endian bytes.
 * Only float32 ("F32") tensors, which is all a tinyfm base holds.
 */
public final class Safetensors {
    private Safetensors() {}

    /** One tensor: its shape and its values in row-major order. */
    public record Tensor(long[] shape, float[] values) {
        public Tensor {
            if (Arrays.stream(shape).reduce(1, (a, b) -> a * b) != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + values.length + " values");
            }
        }
    }

    /** Writes the tensors in the given order, with string metadata under "__metadata__"; atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            JsonObject t = new JsonObject();
            t.addProperty("dtype", "F32");
            JsonArray shape = new JsonArray();
            Arrays.stream(e.getValue().shape()).forEach(shape::add);
            t.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offset += 4L * e.getValue().values().length;
            offsets.add(offset);
            t.add("data_offsets", offsets);
            header.add(e.getKey(), t);
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // the data starts 8-byte aligned; the header is padded with spaces
        AtomicFiles.write(file, out -> {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.hasRemaining()) {
                head.put((byte) ' ');
            }
            out.write(head.array());
            for (Tensor t : tensors.values()) {
                ByteBuffer data = ByteBuffer.allocate(4 * t.values().length).order(ByteOrder.LITTLE_ENDIAN);
                data.asFloatBuffer().put(t.values());
                out.write(data.array());
            }
        });
    }

    /** The tensors of a safetensors file, in the header's order; a damaged or foreign file gets a one-line error naming it. */
    public static Map<String, Tensor> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (bytes.length < 8) {
            throw new UserError(file + ": not a safetensors file (shorter than its 8-byte header length)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buffer.getLong();
        if (headerLength < 2 || headerLength > bytes.length - 8) {
            throw new UserError(file + ": not a safetensors file (a header of " + headerLength + " bytes in a file of " + bytes.length + ")");
        }
        JsonObject header;
        try {
            header = JsonParser.parseString(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new UserError(file + ": not a safetensors file (its header is not a JSON object)");
        }
        long dataStart = 8 + headerLength;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            try {
                JsonObject t = e.getValue().getAsJsonObject();
                String dtype = t.get("dtype").getAsString();
                if (!dtype.equals("F32")) {
                    throw new UserError(file + ": tensor " + e.getKey() + " is " + dtype + "; tinyfm reads float32 (F32) only");
                }
                long[] shape = new long[t.getAsJsonArray("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.getAsJsonArray("shape").get(i).getAsLong();
                }
                long begin = t.getAsJsonArray("data_offsets").get(0).getAsLong(), end = t.getAsJsonArray("data_offsets").get(1).getAsLong();
                long count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                if (begin < 0 || end < begin || dataStart + end > bytes.length || end - begin != 4 * count) {
                    throw new UserError(file + ": tensor " + e.getKey() + " has byte range [" + begin + ", " + end + ") that does not fit its shape "
                            + Arrays.toString(shape) + " or the file");
                }
                float[] values = new float[(int) count];
                ByteBuffer.wrap(bytes, (int) (dataStart + begin), (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                tensors.put(e.getKey(), new Tensor(shape, values));
            } catch (UserError u) {
                throw u;
            } catch (RuntimeException x) {
                throw new UserError(file + ": tensor " + e.getKey() + " has no readable dtype, shape or data_offsets");
            }
        }
        return tensors;
    }
}
