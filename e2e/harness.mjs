// End-to-end harness: a fresh fixture folder (test PKI, SoftHSM2 token "Kyso Test", documents),
// tauri-driver on a free port with the token's SOFTHSM2_CONF in its environment (inherited by
// the app it starts), and a WebDriver session on the real app under Xvfb.

import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Builder, By, Key, until } from "selenium-webdriver";

export { By, Key, until };

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, "..");
const target = process.env.CARGO_TARGET_DIR ?? path.join(repo, "target");
export const appBinary = process.env.KYSO_APP_BIN ?? path.join(target, "debug", "kyso-app");
const fixtureBinary = process.env.KYSO_E2E_FIXTURE ?? path.join(target, "debug", "examples", "e2e_fixture");
export const pyhanko = path.join(repo, ".venv", "bin", "pyhanko");
export const outDir = path.join(here, "out");
export const screenDir = path.join(outDir, "screens");

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A fixture folder with everything; removed by `cleanup`. */
export function makeFixture() {
  const dir = mkdtempSync(path.join(tmpdir(), "kyso-e2e-"));
  const json = execFileSync(fixtureBinary, [path.join(dir, "f")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const fixture = JSON.parse(json);
  fixture.tmp = dir;
  fixture.configDir = path.join(dir, "config");
  fixture.demoDir = path.join(dir, "demo");
  writeSettings(fixture);
  return fixture;
}

/** The fixture's settings file. The test root is a trust anchor the person added in Settings.
 * The test PKI names no OCSP or CRL service, so with online revocation on every signing would
 * stop at the "unknown" confirmation: it is off here, and on in the test of that confirmation. */
function writeSettings(fixture, extra = {}) {
  mkdirSync(fixture.configDir, { recursive: true });
  writeFileSync(
    path.join(fixture.configDir, "settings.json"),
    JSON.stringify({ language: "vi", trustAnchors: [fixture.root], officeName: "Văn phòng UBND tỉnh Gia Lai", onlineRevocation: false, ...extra }),
  );
}

/** A fixture whose test TSA (`e2e_fixture --tsa`) answers on 127.0.0.1 until `cleanup`;
 * `settings` is merged into the settings file (`fixture.tsa` is the TSA's URL). */
export async function makeFixtureWithTsa(settings = () => ({})) {
  const dir = mkdtempSync(path.join(tmpdir(), "kyso-e2e-"));
  const child = spawn(fixtureBinary, [path.join(dir, "f"), "--tsa"], { stdio: ["pipe", "pipe", "inherit"] });
  const line = await new Promise((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (chunk) => {
      text += chunk;
      if (text.includes("\n")) resolve(text.slice(0, text.indexOf("\n")));
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`e2e_fixture --tsa ended (${code})`)));
  });
  const fixture = JSON.parse(line);
  fixture.tmp = dir;
  fixture.configDir = path.join(dir, "config");
  fixture.demoDir = path.join(dir, "demo");
  fixture.tsaProcess = child;
  writeSettings(fixture, settings(fixture));
  return fixture;
}

/** Starts tauri-driver and a session on the app. With `demo`, no token is plugged in: the app
 * finds nothing and sets up its demo token in the fixture's demo folder. */
export async function startApp(fixture, { demo = false } = {}) {
  const port = await freePort();
  const nativePort = await freePort();
  mkdirSync(outDir, { recursive: true });
  const log = openSync(path.join(outDir, `app-${port}.log`), "w");
  // Its own process group, and no pipe shared with the test runner: WebKitWebDriver and the app
  // are its children, and all of them are killed together in `stopApp`.
  const driverProcess = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    // The driver's and the app's output go to a file (kept in e2e/out/ for a failed run).
    stdio: ["ignore", log, log],
    detached: true,
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "SOFTHSM2_CONF")),
      ...(demo ? {} : { SOFTHSM2_CONF: fixture.softhsmConf }),
      KYSO_APP_CONFIG_DIR: fixture.configDir,
      KYSO_DEMO_DIR: fixture.demoDir,
      KYSO_JOURNAL: path.join(fixture.tmp, "journal.sqlite"),
      GSETTINGS_BACKEND: "memory",
    },
  });
  const server = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${server}status`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const started = Date.now();
  const driver = await new Builder()
    .withCapabilities({ browserName: "wry", "tauri:options": { application: appBinary } })
    .usingServer(server)
    .build();
  return { driver, driverProcess, started };
}

export async function stopApp(app) {
  if (!app) return;
  try {
    await app.driver.quit();
  } finally {
    try {
      process.kill(-app.driverProcess.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

export function cleanup(fixture) {
  // Closing its standard input stops the fixture's TSA.
  fixture?.tsaProcess?.stdin.end();
  if (fixture?.tmp) rmSync(fixture.tmp, { recursive: true, force: true });
}

export async function screenshot(driver, name) {
  mkdirSync(screenDir, { recursive: true });
  const png = await driver.takeScreenshot();
  writeFileSync(path.join(screenDir, `app-${name}.png`), Buffer.from(png, "base64"));
}

/** Waits for a CSS selector to match a visible element and returns it. */
export async function waitFor(driver, css, timeout = 30000) {
  const el = await driver.wait(until.elementLocated(By.css(css)), timeout, `waiting for ${css}`);
  await driver.wait(until.elementIsVisible(el), timeout, `waiting for ${css} to show`);
  return el;
}

/**
 * Runs `step` until it returns a truthy value, looking its elements up afresh each time: the UI
 * redraws rows and panels when answers arrive (progress events, details loaded), and an element
 * found before a redraw is stale after it. Other errors fail at once.
 */
export async function settled(driver, step, timeout = 30000, what = "a settled page") {
  return driver.wait(async () => {
    try {
      return await step();
    } catch (e) {
      if (e?.name === "StaleElementReferenceError" || e?.name === "NoSuchElementError") return false;
      throw e;
    }
  }, timeout, `waiting for ${what}`);
}

/** Waits until the certificate list is there and one certificate is chosen. */
export async function waitReady(driver) {
  await waitFor(driver, "#tokens input[name=certificate]:checked", 60000);
}

/** Types keys into whatever has focus (keyboard-only flows). */
export async function keys(driver, ...sequence) {
  await driver.actions({ async: true }).sendKeys(...sequence).perform();
}

/** Presses Tab until the element with `id` has focus. */
export async function tabTo(driver, id, max = 60) {
  for (let i = 0; i < max; i++) {
    const active = await driver.executeScript("return document.activeElement && document.activeElement.id");
    if (active === id) return;
    await keys(driver, Key.TAB);
  }
  throw new Error(`Tab never reached #${id}`);
}

/** pyHanko's verdict lines `FIELD:FINGERPRINT:STATUS` for a file, with the test root trusted. */
export function pyhankoStatuses(pdf, root) {
  let text;
  try {
    text = execFileSync(pyhanko, ["sign", "validate", "--no-revocation-check", "--trust", root, "--trust-replace", pdf], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    text = `${e.stdout ?? ""}${e.stderr ?? ""}`;
  }
  return text
    .split("\n")
    .map((line) => line.split(":"))
    .filter((parts) => parts.length >= 3 && /^[0-9a-f]{64}$/i.test(parts[1]))
    .map((parts) => parts.slice(2).join(":"));
}

/** Adds files on the Sign screen through the path field (WebDriver cannot reach the native dialog). */
export async function addSignFiles(driver, paths) {
  const input = await waitFor(driver, "#sign-path");
  for (const p of paths) {
    await input.sendKeys(p, Key.ENTER);
  }
}

export function recordMetric(name, value) {
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, "metrics.jsonl");
  writeFileSync(file, `${JSON.stringify({ name, value, at: new Date().toISOString() })}\n`, { flag: "a" });
}

/** Waits for the batch to finish (the summary says so), then returns the first signed row. */
export async function signedRow(driver, timeout = 60000) {
  await driver.wait(async () => /^(Xong|Done)/.test(await textOf(driver, "sign-summary")), timeout, "waiting for the batch to end");
  return waitFor(driver, "#sign-files li[data-state=signed]");
}

/** Alt+digit, the screen shortcut. WebKitWebDriver applies a modifier only when it is held
 * with keyDown (a `Key.chord` sends the digit without Alt). */
export async function altDigit(driver, digit) {
  await driver.actions({ async: true }).keyDown(Key.ALT).keyDown(String(digit)).keyUp(String(digit)).keyUp(Key.ALT).perform();
}

/** The text of the element with `id`, or "" while it is missing or being redrawn (a wait
 * condition must not fail on a node replaced between finding and reading it). */
export async function textOf(driver, id) {
  try {
    return await driver.findElement(By.id(id)).getText();
  } catch {
    return "";
  }
}
