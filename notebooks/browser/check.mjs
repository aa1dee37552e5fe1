// Opens a notebook in a real browser (Debian's headless Chromium) on a local Jupyter server, runs
// every cell, and fails when a cell shows an error or a cell tagged "chart" shows no image.
// Usage: node check.mjs URL SCREENSHOT.png   (notebooks/browser-check starts the server and calls this)
import { chromium } from 'playwright-core';

const [url, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
  // the classic notebook's own API: wait for the kernel, then run every cell
  await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel
      && Jupyter.notebook.kernel.is_connected(), null, { timeout: 180_000 });
  await page.evaluate(() => Jupyter.notebook.execute_all_cells());
  await page.waitForFunction(() => {
    const cells = Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code');
    return cells.length > 0 && cells.every(c => c.input_prompt_number !== '*' && c.input_prompt_number !== null
        && c.input_prompt_number !== undefined);
  }, null, { timeout: 1_800_000, polling: 1000 });
  const report = await page.evaluate(() => Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code').map((c, i) => ({
    index: i,
    chart: (c.metadata.tags || []).includes('chart'),
    errors: c.output_area.outputs.filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue),
    images: c.element[0].querySelectorAll('.output_area img').length,
  })));
  await page.evaluate(() => {
    const charts = [...document.querySelectorAll('.output_area img')];
    (charts.length ? charts[charts.length - 1] : document.body).scrollIntoView();
  });
  await page.screenshot({ path: screenshot, fullPage: false });
  const problems = [];
  for (const r of report) {
    r.errors.forEach(e => problems.push(`code cell ${r.index + 1}: ${e}`));
    if (r.chart && r.images === 0) problems.push(`code cell ${r.index + 1} is tagged chart but shows no image`);
  }
  const charts = report.filter(r => r.chart).length;
  if (problems.length) {
    console.error('browser check failed:\n  ' + problems.join('\n  '));
    process.exitCode = 1;
  } else {
    console.log(`${report.length} code cells ran in Chromium, ${charts} chart cell(s) each show an image; screenshot ${screenshot}`);
  }
} finally {
  await browser.close();
}
