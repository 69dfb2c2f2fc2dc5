// The sign and check flows with the keyboard only: Alt+digit between screens, Tab to fields,
// Enter to act, the PIN typed into the focused dialog.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, test } from "node:test";
import { altDigit, By, cleanup, Key, keys, makeFixture, startApp, stopApp, tabTo, waitFor, waitReady } from "../harness.mjs";
import { signedRow } from "../harness.mjs";

let fixture;
let app;

before(async () => {
  fixture = makeFixture();
  app = await startApp(fixture);
  await waitReady(app.driver);
});

after(async () => {
  await stopApp(app);
  cleanup(fixture);
});

test("sign with the keyboard only", async () => {
  const { driver } = app;
  await altDigit(driver, 1);
  await tabTo(driver, "sign-path");
  await keys(driver, fixture.batch[0], Key.ENTER);
  await waitFor(driver, "#sign-files li");
  await tabTo(driver, "sign-button");
  await keys(driver, Key.ENTER);
  await waitFor(driver, "#pin-input");
  // The dialog put the focus in the PIN field.
  assert.equal(await driver.executeScript("return document.activeElement.id"), "pin-input");
  await keys(driver, fixture.pin, Key.ENTER);
  const row = await signedRow(driver);
  const output = await row.findElement(By.css(".output")).getAttribute("title");
  assert.ok(existsSync(output));
});

test("check with the keyboard only, details opened with Enter", async () => {
  const { driver } = app;
  await altDigit(driver, 2);
  await waitFor(driver, "#check-path");
  await tabTo(driver, "check-path");
  await keys(driver, fixture.tampered, Key.ENTER);
  const refused = await waitFor(driver, "#check-results li[data-status=refused]", 60000);
  // Tab to the first details button and open it.
  for (let i = 0; i < 40; i++) {
    const cls = await driver.executeScript("return document.activeElement.className");
    if (String(cls).includes("details-toggle")) break;
    await keys(driver, Key.TAB);
  }
  await keys(driver, Key.ENTER);
  assert.equal(await refused.findElement(By.css(".details")).isDisplayed(), true);
});
