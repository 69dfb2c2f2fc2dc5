// Signing through the real app with the SoftHSM2 test token: the PIN typed in the dialog, the
// output checked by pyHanko; then a batch of five with one PIN.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { addSignFiles, By, cleanup, Key, makeFixture, pyhankoStatuses, screenshot, settled, startApp, stopApp, waitFor, waitReady, textOf } from "../harness.mjs";
import { signedRow } from "../harness.mjs";

let fixture;
let app;
/** The leader's signed document and its widget's /Rect, for the issuer's seal preview. */
let leaderSigned = null;

before(async () => {
  fixture = makeFixture();
  app = await startApp(fixture);
  await waitReady(app.driver);
});

after(async () => {
  await stopApp(app);
  cleanup(fixture);
});

/** Whether the box's appearance canvas has something drawn in its middle. */
const appearanceDrawn = `const c = document.querySelector('#sign-preview .sig-appearance');
  if (!c || c.width < 4 || c.closest('.sig-box').hidden) return false;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let seen = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) seen++;
  return seen > d.length / 40;`;

/** The box's rectangle in PDF points, as the preview says it sends it. */
function boxRect(text) {
  const rect = text.split(",").map(Number);
  assert.equal(rect.length, 4, text);
  return rect;
}

/** The /Rect of the one signature widget in a PDF, read with qpdf's JSON. */
function signatureWidgetRect(pdf) {
  const json = JSON.parse(execFileSync("qpdf", ["--json=2", "--json-key=qpdf", pdf], { encoding: "utf8", maxBuffer: 64 << 20 }));
  const objects = Object.values(json.qpdf[1]).map((o) => o.value).filter((v) => v && typeof v === "object");
  const widgets = objects.filter((v) => v["/Subtype"] === "/Widget" && v["/FT"] === "/Sig");
  assert.equal(widgets.length, 1, "one signature widget");
  return widgets[0]["/Rect"].map(Number);
}

/** The signed row's output path, looked up afresh: the row is redrawn when the check arrives. */
async function signedOutput(driver) {
  return settled(driver, async () => (await driver.findElement(By.css("#sign-files li[data-state=signed] .output"))).getAttribute("title"));
}

async function pinDialogs(driver) {
  return driver.executeScript("return window.__kysoPinDialogs || 0");
}

test("sign a Vietnamese letter with the token, PIN typed in the dialog; pyHanko says intact and trusted", async () => {
  const { driver } = app;
  const tokens = await (await waitFor(driver, "#tokens")).getText();
  assert.match(tokens, /Kyso Test/);
  await addSignFiles(driver, [fixture.letter]);
  await waitFor(driver, "#sign-preview canvas.page");
  // pdf.js renders in a worker: give the canvas a moment before the picture is taken.
  await driver.wait(async () => driver.executeScript("const c=document.querySelector('#sign-preview canvas');return c && c.width > 0"), 20000);
  await driver.sleep(500);
  await screenshot(driver, "sign");
  await (await waitFor(driver, "#sign-button")).click();
  const pin = await waitFor(driver, "#pin-input");
  assert.equal(await pin.getAttribute("type"), "password");
  await screenshot(driver, "pin");
  await pin.sendKeys(fixture.pin, Key.ENTER);
  await signedRow(driver);
  const output = await signedOutput(driver);
  assert.ok(existsSync(output), output);
  // Checked at once: a B-B signature carries no revocation data, so offline the core can only
  // say "needs review" (amber) — never refused.
  const rowText = await settled(driver, async () => (await driver.findElement(By.css("#sign-files li[data-state=signed]"))).getText());
  assert.match(rowText, /Hợp lệ|Cần kiểm tra thêm/);
  assert.doesNotMatch(rowText, /Từ chối/);
  await waitFor(driver, "#preview-name");
  await driver.wait(async () => (await textOf(driver, "preview-name")).includes(".signed.pdf"), 20000);
  await driver.sleep(500);
  await screenshot(driver, "signed");
  assert.deepEqual(pyhankoStatuses(output, fixture.root), ["INTACT:TRUSTED,UNTOUCHED"]);
});

test("a batch of five with one PIN: every file signed and valid for pyHanko", async () => {
  const { driver } = app;
  // Start from an empty list.
  await driver.executeScript("document.querySelectorAll('#sign-files li button.link:last-child').forEach(b => b.click())");
  await driver.wait(async () => (await driver.findElements(By.css("#sign-files li"))).length === 0, 5000);
  await driver.executeScript("window.__kysoPinDialogs = 0; new MutationObserver(m => m.forEach(r => r.addedNodes.forEach(n => { if (n.id === 'pin-dialog') window.__kysoPinDialogs++; }))).observe(document.body, {childList: true})");
  await addSignFiles(driver, fixture.batch);
  assert.equal(await (await waitFor(driver, "#sign-button")).getText(), "Ký 5 văn bản");
  await (await waitFor(driver, "#sign-button")).click();
  await (await waitFor(driver, "#pin-input")).sendKeys(fixture.pin, Key.ENTER);
  await driver.wait(async () => (await driver.findElements(By.css("#sign-files li[data-state=signed]"))).length === 5, 90000);
  assert.equal(await pinDialogs(driver), 1);
  assert.equal(await (await waitFor(driver, "#sign-summary")).getText(), "Xong: 5 đã ký, 0 lỗi, 0 hủy");
  await screenshot(driver, "batch");
  for (const input of fixture.batch) {
    const output = input.replace(/\.pdf$/, ".signed.pdf");
    assert.deepEqual(pyhankoStatuses(output, fixture.root), ["INTACT:TRUSTED,UNTOUCHED"], output);
  }
});

test("a leader's visible signature: image placed in the box on the preview, still valid for pyHanko", async () => {
  const { driver } = app;
  await driver.executeScript("document.querySelectorAll('#sign-files li button.link:last-child').forEach(b => b.click())");
  await addSignFiles(driver, [fixture.visible]);
  const profile = await waitFor(driver, "#sign-profile");
  await profile.sendKeys("Lãnh đạo");
  await driver.executeScript("const s=document.getElementById('sign-profile'); s.value='leader'; s.dispatchEvent(new Event('change'))");
  await (await waitFor(driver, "#sign-image")).sendKeys(fixture.image);
  await driver.wait(async () => driver.executeScript("const c=document.querySelector('#sign-preview canvas');return c && c.width > 0"), 20000);
  const box = await waitFor(driver, "#sign-preview .sig-box");
  // The image is read and drawn in the box, which takes its aspect (the test image is square).
  await driver.wait(async () => driver.executeScript(appearanceDrawn), 20000, "the image drawn in the box");
  assert.equal(await (await waitFor(driver, "#sign-preview .sig-tag")).getText(), "Xem trước — chưa ký");
  // Move the box with the keyboard: two steps left, one up; then resize it: four steps
  // larger, one smaller (5 pt each), which is said aloud.
  await box.sendKeys(Key.ARROW_LEFT, Key.ARROW_LEFT, Key.ARROW_UP);
  // The mouse: the handle at the bottom-right corner dragged 30 px left and 10 px up makes the
  // box smaller, still square, its top-left corner where it was.
  const dragged = boxRect(await box.getAttribute("data-rect"));
  const handle = await waitFor(driver, "#sign-preview .sig-handle");
  await driver.actions({ async: true }).move({ origin: handle }).press().move({ origin: handle, x: -30, y: -10 }).release().perform();
  const resized = boxRect(await box.getAttribute("data-rect"));
  assert.ok(resized[2] - resized[0] < dragged[2] - dragged[0] - 10, `${dragged} → ${resized}`);
  assert.ok(Math.abs(resized[2] - resized[0] - (resized[3] - resized[1])) < 0.02, `square: ${resized}`);
  assert.ok(Math.abs(resized[0] - dragged[0]) < 0.02 && Math.abs(resized[3] - dragged[3]) < 0.02, `${dragged} → ${resized}`);
  await box.click();
  const before = boxRect(await box.getAttribute("data-rect"));
  for (const key of [Key.ARROW_RIGHT, Key.ARROW_RIGHT, Key.ARROW_RIGHT, Key.ARROW_RIGHT, Key.ARROW_UP]) {
    await box.sendKeys(Key.chord(Key.SHIFT, key));
  }
  const shown = boxRect(await box.getAttribute("data-rect"));
  assert.ok(Math.abs(shown[2] - shown[0] - (before[2] - before[0] + 15)) < 0.02, `${before} → ${shown}`);
  assert.ok(Math.abs(shown[2] - shown[0] - (shown[3] - shown[1])) < 0.02, `square: ${shown}`);
  // The top-left corner stays where it was.
  assert.ok(Math.abs(shown[0] - before[0]) < 0.02 && Math.abs(shown[3] - before[3]) < 0.02, `${before} → ${shown}`);
  const mm = Math.round((shown[2] - shown[0]) / (72 / 25.4));
  assert.equal(await driver.executeScript("return document.getElementById('sig-box-announce').textContent"), `Khung chữ ký ${mm} × ${mm} mm`);
  await driver.sleep(300);
  await screenshot(driver, "sign-visible");
  await (await waitFor(driver, "#sign-button")).click();
  await (await waitFor(driver, "#pin-input")).sendKeys(fixture.pin, Key.ENTER);
  await signedRow(driver);
  const output = await signedOutput(driver);
  assert.deepEqual(pyhankoStatuses(output, fixture.root), ["INTACT:TRUSTED,UNTOUCHED"]);
  // The signed widget is exactly the box that was shown.
  const widget = signatureWidgetRect(output);
  widget.forEach((v, i) => assert.ok(Math.abs(v - shown[i]) < 0.02, `widget ${widget} ≠ box ${shown}`));
  leaderSigned = { output, widget };
  await driver.wait(async () => (await textOf(driver, "preview-name")).includes(".signed.pdf"), 20000);
  await driver.sleep(800);
  await screenshot(driver, "signed-visible");
});

test("the issuer's seal is previewed at its real size over the left third of the leader's signature", async (t) => {
  if (!leaderSigned) return t.skip("needs the leader's signed document");
  const { driver } = app;
  await driver.executeScript("document.querySelectorAll('#sign-files li button.link:last-child').forEach(b => b.click())");
  await addSignFiles(driver, [leaderSigned.output]);
  await driver.executeScript("const s=document.getElementById('sign-profile'); s.value='issuer'; s.dispatchEvent(new Event('change'))");
  await (await waitFor(driver, "#sign-seal")).sendKeys(fixture.image);
  const seal = await waitFor(driver, "#sign-preview .sig-box[data-profile=issuer]");
  await driver.wait(async () => driver.executeScript(appearanceDrawn), 20000, "the seal drawn");
  // 36 mm (the core's default; the test image says no size), right edge one third into the
  // leader's widget, centred on it vertically (kyso::layout place_issuer).
  const side = (36 * 72) / 25.4;
  const [x1, y1, x2, y2] = leaderSigned.widget;
  const right = x1 + (x2 - x1) / 3;
  const middle = (y1 + y2) / 2;
  const expected = [right - side, middle - side / 2, right, middle + side / 2];
  const shown = boxRect(await seal.getAttribute("data-rect"));
  shown.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 0.02, `seal ${shown} ≠ ${expected}`));
  await driver.sleep(300);
  await screenshot(driver, "sign-issuer-preview");
  await driver.executeScript("const s=document.getElementById('sign-profile'); s.value='invisible'; s.dispatchEvent(new Event('change'))");
});

test("an electronic copy: its box previewed top right of page 1 where the core puts it", async () => {
  const { driver } = app;
  await driver.executeScript("document.querySelectorAll('#sign-files li button.link:last-child').forEach(b => b.click())");
  // A document not signed before (the batch's have their outputs already).
  await addSignFiles(driver, [fixture.hundred[0]]);
  await driver.executeScript("const s=document.getElementById('sign-profile'); s.value='copy'; s.dispatchEvent(new Event('change'))");
  await (await waitFor(driver, "#sign-copy-org")).sendKeys("Văn phòng Ủy ban nhân dân tỉnh Gia Lai");
  const box = await waitFor(driver, "#sign-preview .sig-box[data-profile=lines]");
  await driver.wait(async () => driver.executeScript(appearanceDrawn), 20000, "the box's lines drawn");
  const shown = boxRect(await box.getAttribute("data-rect"));
  await driver.sleep(300);
  await screenshot(driver, "sign-copy-preview");
  await (await waitFor(driver, "#sign-button")).click();
  await (await waitFor(driver, "#pin-input")).sendKeys(fixture.pin, Key.ENTER);
  await signedRow(driver);
  const output = await signedOutput(driver);
  assert.deepEqual(pyhankoStatuses(output, fixture.root), ["INTACT:TRUSTED,UNTOUCHED"]);
  // The box's right and top edges are the core's; its size follows the text's width and the
  // lines, measured by the web view's Liberation Serif (the core rounds advances to 1/1000 em).
  const widget = signatureWidgetRect(output);
  widget.forEach((v, i) => assert.ok(Math.abs(v - shown[i]) < 0.3, `widget ${widget} ≠ box ${shown}`));
  await driver.executeScript("const s=document.getElementById('sign-profile'); s.value='invisible'; s.dispatchEvent(new Event('change'))");
});

test("a wrong PIN is said plainly, nothing is signed, and the PIN is not tried again", async () => {
  const { driver } = app;
  await driver.executeScript("document.querySelectorAll('#sign-files li button.link:last-child').forEach(b => b.click())");
  await addSignFiles(driver, [fixture.batch[0].replace("van-ban-1", "van-ban-2")]);
  const before = readdirSync(path.dirname(fixture.batch[0])).length;
  await (await waitFor(driver, "#sign-button")).click();
  await (await waitFor(driver, "#pin-input")).sendKeys("000000", Key.ENTER);
  await driver.wait(async () => /PIN/.test(await textOf(driver, "sign-summary")), 30000);
  const said = await textOf(driver, "sign-summary");
  assert.match(said, /PIN/);
  assert.doesNotMatch(said, /^Xong/);
  // No second dialog opened by itself, and no file was written.
  assert.equal((await driver.findElements(By.id("pin-dialog"))).length, 0);
  assert.equal(readdirSync(path.dirname(fixture.batch[0])).length, before);
});
