// Drives the code-server workbench in Debian's Chromium through playwright-core to run a mocha suite
// in the extension host: opens the payload URL (extensionDevelopmentPath + extensionTestsPath), streams
// the page console, parses the suite's result line, serves UI-bridge requests (screenshots and DOM
// texts for test/suite/helpers.ts captureWorkbench) and waits for the workbench's codeAutomationExit.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { remoteUri } from './codeServer.mjs';

export const RESULT_MARKER = 'K8S_TOKENS_SUITE_RESULT';
export const UI_REQUEST_MARKER = 'K8S_TOKENS_UI_REQUEST';
export const SUITE_START_MARKER = 'K8S_TOKENS_SUITE_START';

// The background-networking flags keep Chromium from dialing out on this closed network (shared/harness.md).
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export function launchChromium() {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: chromiumArgs });
}

/** The workbench URL that opens `folder` and runs `extensionTestsPath` against `extensionDevelopmentPath`. */
export function payloadUrl({ serverUrl, port, folder, extensionDevelopmentPath, extensionTestsPath }) {
  const payload = [
    ['extensionDevelopmentPath', remoteUri(port, extensionDevelopmentPath)],
    ['extensionTestsPath', remoteUri(port, extensionTestsPath)],
    ['skipWelcome', 'true'],
  ];
  return `${serverUrl}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/**
 * Splits a page console line. The browser workbench prints log-service lines (extension-host
 * console.log included) as `%c INFO` + `color: #33f` + message; msg.text() joins them with spaces.
 */
function parseConsoleText(text) {
  const m = /^%c\s*(\w+)\s+color:\s*#[\da-f]+(?![\da-f])\s?([\s\S]*)$/i.exec(text);
  return m ? { level: m[1], message: m[2] } : { level: '', message: text };
}

/**
 * What a test asks the user to do before the capture, in this order: click the first element matching
 * `query.click` (a Playwright selector, in the frames `frameUrlIncludes` picks), type `query.type`
 * into the focused element, press each of `query.press` (e.g. 'Enter', 'Escape'). Real input events,
 * so default buttons, key bindings and quick-input filtering are what a user gets.
 */
async function actOn(page, query) {
  if (!query) return;
  let acted = false;
  if (query.click) {
    let clicked = false;
    for (const frame of page.frames()) {
      if (query.frameUrlIncludes && !frame.url().includes(query.frameUrlIncludes)) continue;
      const target = frame.locator(query.click).first();
      if ((await target.count().catch(() => 0)) === 0) continue;
      await target.click({ timeout: 5_000 });
      clicked = true;
      break;
    }
    if (!clicked) throw new Error(`nothing to click matches ${JSON.stringify(query.click)}`);
    acted = true;
  }
  if (query.type) {
    await page.keyboard.type(query.type, { delay: 20 });
    acted = true;
  }
  for (const key of query.press ?? []) {
    await page.keyboard.press(key);
    acted = true;
  }
  // Let the workbench draw what the input caused before the texts and the picture are taken.
  if (acted) await page.waitForTimeout(300);
}

async function captureUi(page, request, uiDir) {
  const { id, name, query } = request;
  const screenshotPath = path.join(uiDir, `${name}.png`);
  const response = { id, name, screenshotPath, texts: [] };
  try {
    if (!/^[\w.-]+$/.test(name)) throw new Error(`bad capture name ${JSON.stringify(name)}`);
    await actOn(page, query);
    if (query?.selector) {
      for (const frame of page.frames()) {
        if (query.frameUrlIncludes && !frame.url().includes(query.frameUrlIncludes)) continue;
        try {
          const texts = await frame.$$eval(query.selector, (els) => els.map((e) => e.innerText ?? e.textContent ?? ''));
          response.texts.push(...texts);
        } catch {
          // Frames come and go (webviews reload); a detached frame simply has nothing to report.
        }
      }
    }
    // After the texts, so the picture shows at least what the texts saw.
    await page.screenshot({ path: screenshotPath });
  } catch (err) {
    response.error = err instanceof Error ? err.message : String(err);
  }
  const file = path.join(uiDir, `${name}.json`);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(response, null, 2));
  fs.renameSync(`${file}.tmp`, file); // the suite polls for this file: it must never see half of it
}

/**
 * Runs the suite and resolves `{ exitCode, result, timedOut, error }`:
 * exitCode from codeAutomationExit (undefined if never called), result from the RESULT_MARKER line.
 * Every console line goes to `consoleLog`; the suite's lines and page errors also to stdout with `prefix`.
 */
export async function runSuiteInWorkbench(opts) {
  const { uiDir, consoleLog, failureScreenshot, timeoutMs, prefix = '[host] ' } = opts;
  fs.mkdirSync(uiDir, { recursive: true });
  fs.mkdirSync(path.dirname(consoleLog), { recursive: true });
  const logStream = fs.createWriteStream(consoleLog);
  const browser = await launchChromium();
  const outcome = { exitCode: undefined, result: undefined, timedOut: false, error: undefined };
  let uiQueue = Promise.resolve();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let finish;
    const finished = new Promise((resolve) => (finish = resolve));
    // Must exist before the workbench loads: it calls this with the suite's exit code.
    await page.exposeFunction('codeAutomationExit', (code) => {
      outcome.exitCode = Number(code);
      finish();
    });
    // Page console lines before the suite announces itself are workbench start-up chatter (offline
    // gallery lookups and the like): they go to the log file only. From SUITE_START on, all lines are
    // streamed, so workbench warnings caused by the extension under test show up beside the tests.
    let streaming = false;
    page.on('console', (msg) => {
      const { level, message } = parseConsoleText(msg.text());
      logStream.write(`[${msg.type()}${level ? ` ${level}` : ''}] ${message}\n`);
      if (message.includes(SUITE_START_MARKER)) streaming = true;
      if (streaming) for (const l of message.split('\n')) process.stdout.write(`${prefix}${l}\n`);
      const resultAt = message.indexOf(RESULT_MARKER);
      if (resultAt >= 0) {
        streaming = false;
        try {
          outcome.result = JSON.parse(message.slice(resultAt + RESULT_MARKER.length).trim());
        } catch (err) {
          process.stdout.write(`${prefix}(unparsable result line: ${err.message})\n`);
        }
      }
      const uiAt = message.indexOf(UI_REQUEST_MARKER);
      if (uiAt >= 0) {
        let request;
        try {
          request = JSON.parse(message.slice(uiAt + UI_REQUEST_MARKER.length).trim());
        } catch {
          return;
        }
        uiQueue = uiQueue.then(() => captureUi(page, request, uiDir));
      }
    });
    page.on('pageerror', (err) => {
      logStream.write(`[pageerror] ${err.stack ?? err.message}\n`);
      process.stdout.write(`${prefix}(workbench page error) ${err.message}\n`);
    });
    const timer = setTimeout(() => {
      outcome.timedOut = true;
      finish();
    }, timeoutMs);
    await page.goto(payloadUrl(opts), { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await finished;
    clearTimeout(timer);
    await uiQueue;
    const failed = outcome.timedOut || outcome.exitCode !== 0 || !outcome.result || outcome.result.failed > 0;
    if (failed && failureScreenshot) {
      await page.screenshot({ path: failureScreenshot }).catch(() => undefined);
    }
  } catch (err) {
    outcome.error = err instanceof Error ? err.message : String(err);
  } finally {
    await browser.close().catch(() => undefined);
    await new Promise((r) => logStream.end(r));
  }
  return outcome;
}
