// Drives the live console in Debian's headless Chromium (playwright-core, no downloaded browser).
// usage: node console-check.mjs <console url with #run=ID> <reader token> <screenshot.png> [seconds] [filter]
// Saves the token through the page's form, then samples the page every 250 ms until the evaluator stage is done (or
// the time is up) and prints one JSON line per sample: {"sample": {...}}, then {"final": {...}}. Exit 0 when the
// sampling ran (the Java test judges the samples), 1 on an error.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, token, shot, secondsArg, filter] = process.argv.slice(2);
if (!url || !token || !shot) {
  console.error('usage: node console-check.mjs <url> <token> <screenshot.png> [seconds] [filter]');
  process.exit(2);
}
const seconds = Number(secondsArg || 150);
const profile = mkdtempSync(join(tmpdir(), 'console-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  viewport: { width: 1280, height: 1400 },
});
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
try {
  const page = context.pages()[0] || await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
  page.on('request', (r) => { if (!r.url().startsWith(new URL(url).origin) && !r.url().startsWith('blob:')
    && !r.url().startsWith('data:')) problems.push('external request: ' + r.url()); });
  await page.goto(url);
  await page.fill('#token', token);
  await page.click('#token-form button[type=submit]');
  const sample = () => page.evaluate(() => {
    const states = {};
    document.querySelectorAll('#pipeline g.stage').forEach((g) => { states[g.dataset.stage] = g.dataset.state; });
    const pts = [...document.querySelectorAll('#chart-auc circle.pt')];
    return {
      t: Date.now(),
      stream: document.body.dataset.stream || '',
      replayed: document.body.dataset.replayed === 'true',
      events: Number(document.body.dataset.events || 0),
      states,
      aucPoints: pts.length,
      lossPoints: document.querySelectorAll('#chart-loss circle.pt').length,
      lastAuc: pts.length ? pts[pts.length - 1].querySelector('title').textContent : null,
      bars: [...document.querySelectorAll('#progress .bar')].map((b) => b.dataset.bar + ': '
        + b.querySelector('.info').textContent),
      deadLetters: document.querySelectorAll('#dead-letters tbody tr').length,
      incidents: [...document.querySelectorAll('#incidents li[data-kind]')].map((li) => li.dataset.kind),
      reportLink: !!document.querySelector('#objects li.report-html a'),
      runs: [...document.querySelectorAll('#runs tbody tr[data-run]')].map((tr) => tr.dataset.run),
    };
  });
  const deadline = Date.now() + seconds * 1000;
  let s;
  for (;;) {
    s = await sample();
    out({ sample: s });
    if ((s.states.evaluator === 'done' && s.reportLink) || Date.now() > deadline) {
      break;
    }
    await page.waitForTimeout(250);
  }
  const runId = decodeURIComponent((new URL(url).hash.match(/run=([^&]+)/) || [])[1] || '');
  await page.waitForSelector(`#runs tr[data-run="${runId}"]`, { timeout: 10000 }).catch(() => {});
  await page.waitForTimeout(500);
  s = await sample();
  out({ sample: s });
  let filtered = null;
  if (filter) {
    await page.fill('#dead-filter', filter);
    await page.waitForTimeout(600);
    filtered = await page.evaluate(() => [...document.querySelectorAll('#dead-letters tbody tr')]
      .map((tr) => tr.querySelector('td.reason').textContent + ' | ' + tr.querySelector('td.file').textContent));
  }
  // the report link fetches with the token, as a click does
  const report = await page.evaluate(async () => {
    const a = document.querySelector('#objects li.report-html a');
    if (!a) return null;
    const token = localStorage.getItem('genrestack.console.token');
    const res = await fetch(a.dataset.href, { headers: { Authorization: 'Bearer ' + token } });
    const text = await res.text();
    return { status: res.status, html: text.includes('<html') || text.includes('<!DOCTYPE') };
  });
  await page.screenshot({ path: shot, fullPage: true });
  out({ final: { sample: s, filtered, report, problems } });
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
