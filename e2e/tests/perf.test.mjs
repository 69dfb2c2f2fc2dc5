// Speed, measured and recorded (e2e/out/metrics.jsonl; reported in docs/app.md), not asserted:
// start to first interactive screen, "Ký" to the signed 1 MB file on screen, and the longest
// main-thread frame during a batch of 100.

import assert from "node:assert/strict";
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { addSignFiles, By, cleanup, Key, makeFixture, recordMetric, settled, startApp, stopApp, waitFor, waitReady, textOf } from "../harness.mjs";

let fixture;
let app;

before(async () => {
  fixture = makeFixture();
  app = await startApp(fixture);
});

after(async () => {
  await stopApp(app);
  cleanup(fixture);
});

test("start to first interactive screen", async () => {
  const { driver } = app;
  await waitReady(driver);
  const ready = await driver.executeScript("return window.__kysoReadyMs");
  recordMetric("start-to-interactive-ms (document start to screens)", ready);
  recordMetric("session-start-to-certificate-list-ms", Date.now() - app.started);
  assert.ok(ready > 0);
});

test("Ký → signed 1 MB document on screen", async () => {
  const { driver } = app;
  await addSignFiles(driver, [fixture.big]);
  await (await waitFor(driver, "#sign-button")).click();
  const pin = await waitFor(driver, "#pin-input");
  await pin.sendKeys(fixture.pin);
  const t0 = Date.now();
  await pin.sendKeys(Key.ENTER);
  await driver.wait(async () => (await textOf(driver, "preview-name")).includes(".signed.pdf"), 60000);
  await driver.wait(async () => driver.executeScript("const c=document.querySelector('#sign-preview canvas');return c && c.width > 0"), 20000);
  recordMetric("sign-1MB-to-signed-preview-ms", Date.now() - t0);
});

/** Rows of the Sign screen's file list (in `state`, when given), counted in the page: the list
 * is redrawn row by row during a batch, and element handles would go stale under WebDriver. */
function rows(driver, state) {
  const css = state ? `#sign-files li[data-state=${state}]` : "#sign-files li";
  return driver.executeScript(`return document.querySelectorAll(${JSON.stringify(css)}).length`);
}

/** Empties the file list and puts `paths` in it, once no batch runs (the remove buttons and
 * "Ký" come back when the previous one has ended). */
async function freshList(driver, paths) {
  // Toasts go away after a while: keep what they said, for the failure message of pinDialog.
  await driver.executeScript(`
    window.__e2eToasts = [];
    const box = document.querySelector(".toasts");
    if (box) new MutationObserver(() => { const t = box.textContent.trim(); if (t) window.__e2eToasts.push(t); })
      .observe(box, { childList: true, subtree: true, characterData: true });
  `);
  await settled(driver, async () => {
    await driver.executeScript("document.querySelectorAll('#sign-files li button.link:last-child').forEach(b => b.click())");
    return (await rows(driver)) === 0;
  }, 60000, "an empty file list");
  await addSignFiles(driver, paths);
  await settled(driver, async () => (await rows(driver)) === paths.length, 60000, `${paths.length} files listed`);
  // Clicked in the page: after a 100-row list was filled, a WebDriver click on "Ký" was now and
  // then lost (about one run in five; no command reached the app — its threads were idle in a
  // gdb dump — and the screen said nothing). Cause not found; the click flows themselves are
  // covered by sign.test.mjs and keyboard.test.mjs.
  await settled(driver, () => driver.executeScript(`
    const button = document.querySelector("#sign-button");
    if (!button || button.disabled) return false;
    button.click();
    return true;
  `), 60000, "Ký to be clickable");
}

/** The PIN dialog after "Ký"; when it does not come, what the screen said instead. */
async function pinDialog(driver) {
  try {
    return await waitFor(driver, "#pin-input", 60000);
  } catch (e) {
    const said = await driver.executeScript(
      "return [...(window.__e2eToasts || []), ...[...document.querySelectorAll('#sign-summary, .modal, dialog')].map((e) => e.textContent.trim())].filter(Boolean).join(' | ')",
    );
    throw new Error(`no PIN dialog within 60 s; the screen says: ${said || "nothing"}`, { cause: e });
  }
}

test("a batch of 100: longest main-thread frame", async () => {
  const { driver } = app;
  await freshList(driver, fixture.hundred);
  const pin = await pinDialog(driver);
  const t0 = Date.now();
  await pin.sendKeys(fixture.pin, Key.ENTER);
  await settled(driver, async () => (await rows(driver, "signed")) === 100, 600000, "100 signed files");
  const frames = await driver.executeScript("return window.__kysoFrames");
  recordMetric("batch-100-total-ms", Date.now() - t0);
  recordMetric("batch-100-longest-frame-gap-ms", frames.maxGapMs);
  recordMetric("batch-100-frames", frames.frames);
  recordMetric("batch-100-frame-gaps-over-100ms", frames.gapsOver100);
  recordMetric("batch-100-longest-ui-handler-ms", frames.longestHandlerMs);
  assert.ok(frames.frames > 0);
  // The batch has ended on screen before the next test starts its own.
  await driver.wait(async () => /^Xong/.test(await textOf(driver, "sign-summary")), 60000);
});

test("Dừng stops a batch between documents: the rest are cancelled, nothing half-written", async () => {
  const { driver } = app;
  const dir = path.dirname(fixture.hundred[0]);
  // Sign the hundred again into fresh outputs: remove the signed ones of the test above.
  for (const name of readdirSync(dir)) if (name.endsWith(".signed.pdf")) rmSync(path.join(dir, name));
  await freshList(driver, fixture.hundred);
  const pin = await pinDialog(driver);
  // Dừng is pressed the moment it shows (in the page, not through WebDriver: a WebDriver click
  // can reach a busy web view after a fast batch has ended, and then proves nothing).
  await driver.executeScript(`
    const stop = document.querySelector("#sign-stop");
    new MutationObserver((_, observer) => {
      if (!stop.hidden) { observer.disconnect(); stop.click(); }
    }).observe(stop, { attributes: true, attributeFilter: ["hidden"] });
  `);
  await pin.sendKeys(fixture.pin, Key.ENTER);
  await driver.wait(async () => /^Xong/.test(await textOf(driver, "sign-summary")), 120000);
  const summary = await textOf(driver, "sign-summary");
  const [, signed, failed, cancelled] = /Xong: (\d+) đã ký, (\d+) lỗi, (\d+) hủy/.exec(summary).map(Number);
  assert.equal(signed + failed + cancelled, 100, summary);
  assert.ok(cancelled > 0, summary);
  const outputs = readdirSync(dir).filter((n) => n.endsWith(".signed.pdf"));
  assert.equal(outputs.length, signed);
  // No temporary file is left behind by a cancelled batch.
  assert.deepEqual(readdirSync(dir).filter((n) => !n.endsWith(".pdf")), []);
});
