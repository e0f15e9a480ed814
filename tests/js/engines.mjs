// The three browser engines the scenario tests run in, behind one small shape:
// `launch(engine)` answers { newPage(), close() }, a page being { goto(url),
// evaluate(fn, arg), close() }. `fn` travels as source text and is called with
// `arg` in the page; it answers what the page's promise resolves to, as JSON.
//
//   chromium  Debian's Chromium through playwright-core (CDP)
//   firefox   Firefox ESR through puppeteer-core (WebDriver BiDi)
//   webkit    WebKitGTK's MiniBrowser through WebKitWebDriver (classic WebDriver,
//             plain fetch calls), on an Xvfb display: MiniBrowser has no headless mode
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { CHROMIUM, CHROMIUM_ARGS } from "./helpers.mjs";

export const FIREFOX = process.env.FIREFOX || "/usr/bin/firefox-esr";
export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER || "/usr/bin/WebKitWebDriver";
export const MINIBROWSER = process.env.MINIBROWSER || "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

/** The engines a run covers: KALBIO_ENGINES (space-separated) or all three. */
export const ENGINES = (process.env.KALBIO_ENGINES || "chromium firefox webkit").split(/\s+/).filter(Boolean);

/** What an engine needs on this machine, missing: an empty list when it can run. */
export function missing(engine) {
  const need = { chromium: [CHROMIUM], firefox: [FIREFOX], webkit: [WEBKIT_DRIVER, MINIBROWSER, "/usr/bin/Xvfb"] }[engine];
  if (!need) return [`no engine named ${engine}`];
  return need.filter((file) => !existsSync(file));
}

/** Starts an engine; answers { name, newPage(), close() }. */
export async function launch(engine) {
  const lacking = missing(engine);
  if (lacking.length) throw new Error(`${engine} cannot start: ${lacking.join(", ")} missing (run scripts/install.sh)`);
  if (engine === "chromium") return launchChromium();
  if (engine === "firefox") return launchFirefox();
  return launchWebKit();
}

async function launchChromium() {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return {
    name: "chromium",
    async newPage() {
      const page = await browser.newPage();
      return {
        goto: (url) => page.goto(url),
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        close: () => page.close(),
      };
    },
    close: () => browser.close(),
  };
}

async function launchFirefox() {
  const { default: puppeteer } = await import("puppeteer-core");
  const browser = await puppeteer.launch({ browser: "firefox", executablePath: FIREFOX, headless: true, protocolTimeout: 900_000 });
  return {
    name: "firefox",
    async newPage() {
      const page = await browser.newPage();
      page.setDefaultTimeout(900_000);
      return {
        goto: (url) => page.goto(url),
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        close: () => page.close(),
      };
    },
    close: () => browser.close(),
  };
}

/** A free TCP port on the loopback interface. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One W3C WebDriver call; answers `value`, or throws the driver's error. */
async function webdriver(base, method, path, body, timeoutMs = 60_000) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const answer = await response.json();
  if (!response.ok || (answer.value && answer.value.error)) {
    throw new Error(`WebDriver ${method} ${path}: ${answer.value?.error}: ${answer.value?.message}`);
  }
  return answer.value;
}

// The script the page runs: it compiles the test's function itself, so the
// driver's own script compilation never sees it, and reports any rejection as
// data (classic WebDriver would otherwise lose the error's text).
const ASYNC_SCRIPT = `
const done = arguments[arguments.length - 1];
const [source, arg] = arguments;
Promise.resolve()
  .then(() => (0, eval)("(" + source + ")")(arg))
  .then((value) => done({ value: value === undefined ? null : value }), (e) => done({ error: String((e && e.stack) || e) }));
`;

async function launchWebKit() {
  const xvfb = spawn("/usr/bin/Xvfb", ["-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"], { stdio: ["ignore", "pipe", "ignore"] });
  const display = await new Promise((resolve, reject) => {
    xvfb.once("exit", (code) => reject(new Error(`Xvfb exited with ${code}`)));
    createInterface({ input: xvfb.stdout }).once("line", (line) => resolve(line.trim()));
  });
  const port = await freePort();
  const driver = spawn(WEBKIT_DRIVER, [`--port=${port}`], { env: { ...process.env, DISPLAY: `:${display}` }, stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  const stop = () => {
    driver.kill("SIGTERM");
    xvfb.kill("SIGTERM");
  };
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await webdriver(base, "GET", "/status", undefined, 2000)).ready !== undefined) break;
      } catch (e) {
        if (i > 100) throw new Error(`WebKitWebDriver did not answer: ${e.message}`);
        await sleep(100);
      }
    }
  } catch (e) {
    stop();
    throw e;
  }
  const sessions = new Set();
  return {
    name: "webkit",
    async newPage() {
      // A session is one MiniBrowser; with no display it would hang forever, hence the limit.
      const { sessionId } = await webdriver(base, "POST", "/session", {
        capabilities: {
          alwaysMatch: {
            browserName: "MiniBrowser",
            "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] },
            timeouts: { script: 900_000, pageLoad: 60_000 },
          },
        },
      }, 30_000);
      sessions.add(sessionId);
      const session = `/session/${sessionId}`;
      return {
        goto: (url) => webdriver(base, "POST", `${session}/url`, { url }),
        async evaluate(fn, arg) {
          const result = await webdriver(base, "POST", `${session}/execute/async`, { script: ASYNC_SCRIPT, args: [fn.toString(), arg] }, 960_000);
          if (result && result.error !== undefined) throw new Error(`in WebKit: ${result.error}`);
          return result.value;
        },
        async close() {
          sessions.delete(sessionId);
          await webdriver(base, "DELETE", session).catch(() => {});
        },
      };
    },
    async close() {
      for (const id of sessions) await webdriver(base, "DELETE", `/session/${id}`).catch(() => {});
      stop();
    },
  };
}
