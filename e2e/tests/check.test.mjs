// Checking incoming documents in the real app: a tampered one is refused in red with its
// Vietnamese reason; a good one is green; details open; the History and Settings screens show.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { By, cleanup, Key, makeFixture, screenshot, settled, startApp, stopApp, waitFor, waitReady, textOf } from "../harness.mjs";

let fixture;
let app;

before(async () => {
  fixture = makeFixture();
  app = await startApp(fixture);
  await waitReady(app.driver);
});

/** A fingerprint of the viewer's canvas pixels (changes when another page is drawn). */
async function canvasPixels(driver) {
  return driver.executeScript(`
    const c = document.querySelector("#check-viewer canvas.page");
    return c && c.width ? c.toDataURL() : "";
  `);
}

/** Whether the viewer's canvas has anything drawn besides white. */
async function canvasHasInk(driver) {
  return driver.executeScript(`
    const c = document.querySelector("#check-viewer canvas.page");
    if (!c || !c.width) return false;
    const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 200) return true;
    return false;
  `);
}

after(async () => {
  await stopApp(app);
  cleanup(fixture);
});

test("a tampered document is refused with a Vietnamese reason; an intact one is not", async () => {
  const { driver } = app;
  await (await waitFor(driver, "#nav-check")).click();
  const input = await waitFor(driver, "#check-path");
  await input.sendKeys(fixture.signed, Key.ENTER);
  // A B-B signature with no revocation data in the file: amber (needs review) offline, not red.
  const intact = await waitFor(driver, "#check-results li", 60000);
  assert.match(await intact.getAttribute("data-status"), /^(valid|review)$/);
  await driver.wait(async () => /^(Đã kiểm tra|Checked)/.test(await textOf(driver, "check-status")), 30000);
  await input.sendKeys(fixture.tampered, Key.ENTER);
  const refused = await waitFor(driver, "#check-results li[data-status=refused]", 60000);
  const text = await refused.getText();
  assert.match(text, /Từ chối/);
  assert.match(text, /den-bi-sua\.pdf/);
  // The reason is the core's own Vietnamese message: the signed bytes no longer match.
  assert.match(text, /thay đổi|không khớp|bị sửa/i, text);
  await screenshot(driver, "check");
  // The row is redrawn when the details arrive: looked up afresh at each step.
  const row = "#check-results li[data-status=refused]";
  await settled(driver, async () => {
    await driver.findElement(By.css(`${row} .details-toggle`)).click();
    return true;
  });
  const details = await settled(driver, async () => {
    const text = await driver.findElement(By.css(`${row} .details`)).getText();
    return /TOTAL-FAILED/.test(text) && text;
  }, 30000, "the details");
  assert.match(details, /Nguyễn Văn An|Nguyen Van An/);
  await screenshot(driver, "check-details");

  // The version its signature covers, as it was: read by report id, drawn by pdf.js.
  await settled(driver, async () => {
    await driver.findElement(By.css(`${row} .view-signed`)).click();
    return true;
  });
  await waitFor(driver, "#check-viewer canvas.page");
  await driver.wait(async () => /^Trang 1 trên 2$/.test(await textOf(driver, "check-viewer-page")), 30000);
  assert.match(await textOf(driver, "check-viewer-title"), /^Bản đã ký — chữ ký 1/);
  // Its bytes were altered inside the signed range: the viewer says this is not what was signed.
  assert.match(await textOf(driver, "check-viewer-broken"), /không còn khớp với nội dung/);
  assert.ok(await canvasHasInk(driver), "the signed revision's page is drawn");
  await screenshot(driver, "check-revision");
  await (await waitFor(driver, "#check-viewer-close")).click();
});

test("a document changed after signing: the signed version and the changed page", async () => {
  const { driver } = app;
  await (await waitFor(driver, "#nav-check")).click();
  const input = await waitFor(driver, "#check-path");
  await input.sendKeys(fixture.changed, Key.ENTER);
  // The newest result comes first. The row and its details are redrawn as answers arrive
  // (result, then signature_details), so every step looks them up afresh.
  const first = "#check-results li";
  await settled(driver, async () => /den-sua-sau-ky\.pdf/.test(await driver.findElement(By.css(first)).getText()), 60000, "the changed document's result");
  assert.equal(await settled(driver, () => driver.findElement(By.css(first)).getAttribute("data-status")), "refused");
  await settled(driver, async () => {
    await driver.findElement(By.css(`${first} .details-toggle`)).click();
    return true;
  });
  // Chain and changes come from signature_details once the details open.
  await settled(driver, async () => (await driver.findElements(By.css(`${first} .chain-list li`))).length >= 2, 30000, "the chain");
  const details = await settled(driver, () => driver.findElement(By.css(`${first} .details`)).getText());
  assert.match(details, /Gốc tin cậy/);
  assert.match(details, /B-B/);
  assert.match(details, /trang 1/);
  await settled(driver, async () => {
    await driver.findElement(By.css(`${first} .view-signed`)).click();
    return true;
  });
  const changed = await waitFor(driver, "#check-viewer-changed", 30000);
  await driver.wait(async () => /Trang bị thay đổi sau khi ký: Trang 1/.test(await changed.getText()), 30000);
  await driver.wait(async () => /^Trang 1 trên 2$/.test(await textOf(driver, "check-viewer-page")), 30000);
  assert.match(await textOf(driver, "check-viewer-page-changed"), /Trang này đã bị thay đổi sau khi ký/);
  const signedInk = await canvasPixels(driver);
  await screenshot(driver, "check-revision-changed");
  // The file as it is now, same page: drawn differently.
  await (await waitFor(driver, "#check-viewer-switch")).click();
  await driver.wait(async () => /Xem bản đã ký/.test(await textOf(driver, "check-viewer-switch")), 30000);
  await driver.wait(async () => (await canvasPixels(driver)) !== signedInk, 30000);
  await screenshot(driver, "check-current-changed");
});

test("history and settings screens", async () => {
  const { driver } = app;
  await (await waitFor(driver, "#nav-history")).click();
  await waitFor(driver, "#history-table");
  // The checks above are in the journal, newest first. The table is drawn again once the
  // journal answers, so it is found afresh each time.
  await driver.wait(async () => /den-bi-sua\.pdf/.test(await textOf(driver, "history-table")), 30000);
  await screenshot(driver, "history");
  await (await waitFor(driver, "#nav-settings")).click();
  await waitFor(driver, "#settings-office");
  // The form is drawn again when the trust anchors arrive: wait for them, then read it.
  await driver.wait(async () => (await driver.findElements(By.css(".anchors li"))).length > 0, 10000);
  const office = await waitFor(driver, "#settings-office");
  assert.equal(await office.getAttribute("value"), "Văn phòng UBND tỉnh Gia Lai");
  assert.equal(await (await waitFor(driver, "#settings-online-revocation")).isSelected(), false);
  await screenshot(driver, "settings");
});
