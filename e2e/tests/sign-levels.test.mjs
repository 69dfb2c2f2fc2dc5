// Signing B-T through the real app against the fixture's time-stamp authority (openssl on
// 127.0.0.1), with online revocation on: the test certificate names no OCSP or CRL service, so
// the app shows "unknown" before the PIN and goes on only once the box is ticked. Then the
// issuer profile: its fields, and a document without the leader's signature refused before
// any PIN is asked.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, test } from "node:test";
import { addSignFiles, By, cleanup, Key, makeFixtureWithTsa, pyhankoStatuses, screenshot, signedRow, startApp, stopApp, textOf, waitFor, waitReady } from "../harness.mjs";

let fixture;
let app;

before(async () => {
  fixture = await makeFixtureWithTsa((f) => ({ tsaUrl: f.tsa, level: "b-t", onlineRevocation: true }));
  app = await startApp(fixture);
  await waitReady(app.driver);
});

after(async () => {
  await stopApp(app);
  cleanup(fixture);
});

test("B-T from Settings: unknown revocation confirmed by the person, time-stamped, valid for pyHanko", async () => {
  const { driver } = app;
  await addSignFiles(driver, [fixture.letter]);
  assert.equal(await (await waitFor(driver, "#sign-level")).getAttribute("value"), "b-t");
  assert.match(await textOf(driver, "sign-tsa"), /127\.0\.0\.1/);
  await (await waitFor(driver, "#sign-button")).click();
  const message = await waitFor(driver, "#revocation-message");
  assert.match(await message.getText(), /Chưa xác định được chứng thư số/);
  assert.equal(await (await waitFor(driver, "#revocation-continue")).isEnabled(), false);
  assert.equal((await driver.findElements(By.css("#pin-dialog"))).length, 0, "no PIN dialog before the confirmation");
  await driver.sleep(300);
  await screenshot(driver, "sign-revocation");
  await (await waitFor(driver, "#revocation-confirm")).click();
  await (await waitFor(driver, "#revocation-continue")).click();
  await (await waitFor(driver, "#pin-input")).sendKeys(fixture.pin, Key.ENTER);
  const row = await signedRow(driver);
  assert.match(await row.getText(), /Dấu thời gian: \d{4}-\d{2}-\d{2}T/);
  assert.match(await textOf(driver, "sign-revocation-note"), /vẫn ký theo xác nhận của người ký/);
  const output = await row.findElement(By.css(".output")).getAttribute("title");
  assert.ok(existsSync(output), output);
  await driver.sleep(500);
  await screenshot(driver, "sign-bt");
  // pyHanko: intact, trusted, and the signature time-stamp checks out under the same root.
  assert.deepEqual(pyhankoStatuses(output, fixture.root), ["INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,UNTOUCHED"]);
});

test("issuer: seal, number and today's date; a document the leader has not signed is refused before the PIN", async () => {
  const { driver } = app;
  await addSignFiles(driver, [fixture.visible]);
  const profile = await waitFor(driver, "#sign-profile");
  await profile.sendKeys("Văn thư");
  await driver.wait(async () => (await driver.findElements(By.css("#sign-seal"))).length === 1, 5000);
  assert.match(await (await waitFor(driver, "#sign-issue-date")).getAttribute("value"), /^\d{4}-\d{2}-\d{2}$/);
  await (await waitFor(driver, "#sign-seal")).sendKeys(fixture.image);
  await (await waitFor(driver, "#sign-issue-number")).sendKeys("45/QĐ-UBND");
  await (await waitFor(driver, "#sign-button")).click();
  await driver.wait(async () => (await textOf(driver, "sign-summary")).includes("chưa có chữ ký số của người có thẩm quyền"), 30000);
  assert.equal((await driver.findElements(By.css("#pin-dialog, #revocation-dialog"))).length, 0);
  await driver.sleep(300);
  await screenshot(driver, "sign-issuer");
});
