// No token plugged in: the app sets up the demo token by itself, says DEMO on every screen, and
// the whole flow works with it; the demo signature says so in its reason.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { addSignFiles, altDigit, By, cleanup, Key, makeFixture, screenshot, signedRow, startApp, stopApp, waitFor, waitReady } from "../harness.mjs";

let fixture;
let app;

before(async () => {
  fixture = makeFixture();
  app = await startApp(fixture, { demo: true });
});

after(async () => {
  await stopApp(app);
  cleanup(fixture);
});

test("the demo token is set up when no token is present and DEMO is shown everywhere", async () => {
  const { driver } = app;
  await waitReady(driver);
  const banner = await waitFor(driver, "#demo-banner");
  assert.equal(await banner.getText(), "DEMO — không có giá trị pháp lý");
  assert.match(await (await waitFor(driver, "#tokens")).getText(), /Kyso DEMO/);
  await addSignFiles(driver, [fixture.letter]);
  await (await waitFor(driver, "#sign-button")).click();
  const dialog = await waitFor(driver, "#pin-dialog");
  assert.match(await dialog.getText(), /DEMO — không có giá trị pháp lý/);
  await (await waitFor(driver, "#pin-input")).sendKeys("123456", Key.ENTER);
  const row = await signedRow(driver);
  assert.match(await row.getText(), /Đã ký/);
  await driver.sleep(500);
  await screenshot(driver, "demo");
  for (const digit of [2, 3, 4]) {
    await altDigit(driver, digit);
    assert.equal(await (await driver.findElement(By.id("demo-banner"))).isDisplayed(), true);
  }
});
