// The exported tokenizer.json in a real client: @huggingface/transformers' AutoTokenizer loads the folder
// (local files only) and encodes every text of a task's JSONL split; each text's ids print as one JSON array
// per line, the same lines as `tinyfm tokenize --texts` prints, so the two can be compared line by line.
//   node src/node/tokenizer-ids.mjs EXPORTED_FOLDER datasets/topic/test.jsonl
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';

const [folder, jsonl] = process.argv.slice(2);
env.allowRemoteModels = false;
env.localModelPath = path.dirname(path.resolve(folder)) + path.sep;
const tokenizer = await AutoTokenizer.from_pretrained(path.basename(path.resolve(folder)), { local_files_only: true });
for (const line of (await readFile(jsonl, 'utf8')).split('\n')) {
  if (line.trim()) {
    const ids = tokenizer.encode(JSON.parse(line).text, { add_special_tokens: false });
    console.log(JSON.stringify(Array.from(ids)));
  }
}
