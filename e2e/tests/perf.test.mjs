// Speed, measured and recorded (e2e/out/metrics.jsonl; reported in docs/app.md), not asserted:
// start to first interactive screen, "Ký" to the signed 1 MB file on screen, and the longest
// main-thread frame during a batch of 100.

import assert from "node:assert/strict";
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { addSignFiles, By, cleanup, Key, makeFixture, recordMetric, startApp, stopApp, waitFor, waitReady, textOf } from "../harness.mjs";

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

test("a batch of 100: longest main-thread frame", async () => {
  const { driver } = app;
  await driver.executeScript("document.querySelectorAll('#sign-files li button.link:last-child').forEach(b => b.click())");
  await addSignFiles(driver, fixture.hundred);
  await (await waitFor(driver, "#sign-button")).click();
  const pin = await waitFor(driver, "#pin-input");
  const t0 = Date.now();
  await pin.sendKeys(fixture.pin, Key.ENTER);
  await driver.wait(async () => (await driver.findElements(By.css("#sign-files li[data-state=signed]"))).length === 100, 600000);
  const frames = await driver.executeScript("return window.__kysoFrames");
  recordMetric("batch-100-total-ms", Date.now() - t0);
  recordMetric("batch-100-longest-frame-gap-ms", frames.maxGapMs);
  recordMetric("batch-100-frames", frames.frames);
  recordMetric("batch-100-frame-gaps-over-100ms", frames.gapsOver100);
  recordMetric("batch-100-longest-ui-handler-ms", frames.longestHandlerMs);
  assert.ok(frames.frames > 0);
});

test("Dừng stops a batch between documents: the rest are cancelled, nothing half-written", async () => {
  const { driver } = app;
  const dir = path.dirname(fixture.hundred[0]);
  // Sign the hundred again into fresh outputs: remove the signed ones of the test above.
  for (const name of readdirSync(dir)) if (name.endsWith(".signed.pdf")) rmSync(path.join(dir, name));
  await driver.executeScript("document.querySelectorAll('#sign-files li button.link:last-child').forEach(b => b.click())");
  await addSignFiles(driver, fixture.hundred);
  await (await waitFor(driver, "#sign-button")).click();
  await (await waitFor(driver, "#pin-input")).sendKeys(fixture.pin, Key.ENTER);
  await (await waitFor(driver, "#sign-stop")).click();
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
