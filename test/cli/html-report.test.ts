// The crash-state report page (cli/html-report.ts): its data encoding, its safety against
// hostile event bytes, and, in headless Chromium, that it loads from a file:// URL without console
// errors or network requests, lists every crash state and moves the selection from the keyboard.

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exploreWorkload, type ExploreResult } from '../../oracle/explore/explore.js';
import { classRuns, framesOf, pageData, renderHtmlReport, REPORT_ALL_DETAILS } from '../../cli/html-report.js';
import type { OpenWalLike } from '../../oracle/explore/wal-api.js';
import type { Workload } from '../../oracle/explore/workload.js';
import { encodeFrame } from '../../src/core/codec.js';
import { SEGMENT_HEADER_BYTES } from '../../src/core/format.js';
import { encodeSegmentHeader } from '../../src/core/segment-header.js';
import { bufferedIo } from '../../cli/io.js';
import { runCli } from '../../cli/run-cli.js';
import { nodeFileSystem, openWal } from '../../src/index.js';
import { DEMO_WORKLOAD } from '../../cli/demo-workload.js';
import { chromiumPresent, chromiumSkipNote, launchChromium } from './chromium.js';

const realOpenWal: OpenWalLike = openWal;

// safeAppend off so that the report holds garbage bytes as well as durable and torn ones.
const workload: Workload = { ...DEMO_WORKLOAD, knobs: { ...DEMO_WORKLOAD.knobs, safeAppend: false } };

let result: ExploreResult;
let html: string;
// The page and its screenshot go to a temporary directory, removed afterwards unless
// WALREF_KEEP_REPORT=1 asks to keep it for a look (its path is printed then).
const outDir = mkdtempSync(join(tmpdir(), 'walref-report-'));
afterAll(() => {
  if (process.env['WALREF_KEEP_REPORT'] === '1') console.log(`report and screenshot kept in ${outDir}`);
  else rmSync(outDir, { recursive: true, force: true });
});

beforeAll(async () => {
  result = await exploreWorkload(workload, { openWal: realOpenWal, details: REPORT_ALL_DETAILS });
  html = renderHtmlReport(result, workload, { title: 'walref explore: the demo workload' });
});

describe('the report data', () => {
  it('lists every explored crash state, with durable, torn and garbage bytes among them', () => {
    const data = pageData(result, workload);
    expect(result.crashStates).toBeGreaterThan(20);
    expect(data.states).toHaveLength(result.crashStates);
    const classes = new Set(result.details.flatMap((d) => d.files.flatMap((f) => f.classes)));
    for (const name of ['durable', 'torn', 'garbage'] as const) expect(classes.has(name)).toBe(true);
  });

  it('byte classes are stored as runs of class codes', () => {
    expect(classRuns(['durable', 'durable', 'lost', 'torn', 'torn', 'torn'])).toBe('0:2,1:1,2:3');
    expect(classRuns([])).toBe('');
  });

  it("frames are located after the segment's header, under its salt, up to the first one that does not decode", () => {
    const begin = encodeFrame({ kind: 'TxBegin', lsn: 7 }, 99);
    const commit = encodeFrame({ kind: 'TxCommit', lsn: 8, txBeginLsn: 7 }, 99);
    const stale = encodeFrame({ kind: 'TxBegin', lsn: 3 }, 98);
    const h = SEGMENT_HEADER_BYTES;
    const bytes = new Uint8Array(h + begin.length + commit.length + stale.length);
    bytes.set(encodeSegmentHeader({ segmentId: 1, baseLsn: 7, salt: 99 }), 0);
    bytes.set(begin, h);
    bytes.set(commit, h + begin.length);
    bytes.set(stale, h + begin.length + commit.length);
    expect(framesOf(bytes)).toEqual([
      [h, begin.length, 7, 'TxBegin'],
      [h + begin.length, commit.length, 8, 'TxCommit (tx 7)'],
    ]);
  });

  it('an event holding "</script>" cannot close the data element early', async () => {
    const hostile: Workload = { options: {}, knobs: {}, steps: [{ tx: ['</script><img src=x onerror=alert(1)>'] }, { flush: true }] };
    const explored = await exploreWorkload(hostile, { openWal: realOpenWal, details: REPORT_ALL_DETAILS });
    const page = renderHtmlReport(explored, hostile, { title: '<b>title</b>' });
    expect(page.match(/<\/script>/g)).toHaveLength(2);
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b>title</b>');
  });

  it('the page references nothing outside itself', () => {
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/https?:\/\//);
  });
});

describe('the report in headless Chromium', () => {
  it.skipIf(!chromiumPresent)(
    `loads from a file:// URL without console errors or requests, shows every crash state, and j/k move the selection${chromiumSkipNote}`,
    async () => {
      const file = join(outDir, 'report.html');
      writeFileSync(file, html);
      const browser = await launchChromium();
      try {
        const page = await browser.context.newPage();
        await page.setViewportSize({ width: 1400, height: 1000 });
        const problems: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
        });
        page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
        const requests: string[] = [];
        page.on('request', (request) => {
          if (!request.url().startsWith('file:')) requests.push(request.url());
        });
        await page.goto(pathToFileURL(file).href);

        await expect.poll(() => page.locator('#states li').count()).toBe(result.crashStates);
        expect(await page.locator('#verdict').textContent()).toContain(`${result.crashStates} crash states`);
        expect(await page.getAttribute('#state-0', 'aria-selected')).toBe('true');

        await page.keyboard.press('j');
        expect(await page.getAttribute('#state-1', 'aria-selected')).toBe('true');
        expect(await page.getAttribute('#state-0', 'aria-selected')).toBe('false');
        expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('state-1');
        expect(await page.locator('#detail h2').textContent()).toContain('Crash state 2 of');
        await page.keyboard.press('ArrowDown');
        expect(await page.getAttribute('#state-2', 'aria-selected')).toBe('true');
        await page.keyboard.press('k');
        expect(await page.getAttribute('#state-1', 'aria-selected')).toBe('true');
        // The focused row shows a visible outline.
        const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
        expect(outline).not.toBe('none');

        // Move to a crash state with torn bytes and take the screenshot there: the page at its most telling.
        const tornIndex = [...result.details]
          .sort((a, b) => a.crashAfterOp - b.crashAfterOp)
          .findIndex((d) => d.files.some((f) => f.classes.includes('torn')));
        expect(tornIndex).toBeGreaterThan(1);
        await page.keyboard.press('Home');
        for (let i = 0; i < tornIndex; i++) await page.keyboard.press('j');
        expect(await page.locator('#detail .c-torn').count()).toBeGreaterThan(0);
        const shot = join(outDir, 'report.png');
        await page.screenshot({ path: shot });
        expect(existsSync(shot) && statSync(shot).size > 10_000).toBe(true);

        expect(problems).toEqual([]);
        expect(requests).toEqual([]);
      } finally {
        await browser.close();
      }
    },
  );
});

describe('walref explore --html', () => {
  it('writes the report page for a workload file, listing every crash state it explored', async () => {
    const out = join(outDir, 'basic.html');
    const io = bufferedIo();
    const code = await runCli(['explore', join(import.meta.dirname, '../../oracle/explore/workloads/basic.json'), '--json', '--html', out], io, nodeFileSystem);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(io.out()) as { crashStates: number };
    const page = readFileSync(out, 'utf8');
    expect(page).toContain(`${summary.crashStates} crash states at`);
    const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(page)?.[1] ?? '{}') as { states?: unknown[] };
    expect(data.states).toHaveLength(summary.crashStates);
  });
});
