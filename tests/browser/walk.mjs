// Walks taskstore's HTML pages in Debian's headless Chromium, as a person
// would, once at a phone's viewport and once at a desktop's: add a task,
// search for it, delete it, restore it from the trash, add a task whose
// title is markup. Every step is checked, saved as a screenshot and
// measured for a tidy layout.
//
//   node walk.mjs TASKSTORE_BINARY ARTIFACTS_DIR
//
// Screenshots go to ARTIFACTS_DIR/<viewport>/<nn>-<step>.png; a failed
// step leaves <nn>-<step>-FAILED.png. Exits 1 when any check fails.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { checkPolicy } from './policy.mjs';
import { layoutLimits, layoutProblems } from './layout.mjs';
import { startServer } from './server.mjs';

const kChromium = '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps dialling out,
// which a closed network refuses; a test needs none of it.
const kChromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
const kMarkupTitle = '<img src=x onerror=alert(1)>';

const kViewports = [
  {
    name: 'phone',
    options: {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    },
  },
  {
    name: 'desktop',
    options: { viewport: { width: 1280, height: 800 } },
  },
];

// One viewport's walk: a browser of its own, a server of its own.
class Walk {
  constructor(name, isPhone, page, baseUrl, artifactsDir) {
    this.name = name;
    this.isPhone = isPhone;
    this.page = page;
    this.baseUrl = baseUrl;
    this.dir = path.join(artifactsDir, name);
    this.stepCount = 0;
    this.dialogs = [];
    this.pageErrors = [];
    fs.mkdirSync(this.dir, { recursive: true });

    // A dialog would mean a script ran; none may.
    page.on('dialog', (dialog) => {
      this.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      dialog.dismiss().catch(() => {});
    });
    // Chromium reports a refused style or script on the console. It also
    // reports every 4xx page there; the steps check those statuses.
    page.on('console', (message) => {
      const text = message.text();
      if (message.type() === 'error' &&
          !text.startsWith('Failed to load resource: the server responded')) {
        this.pageErrors.push(text);
      }
    });
    page.on('pageerror', (error) => this.pageErrors.push(error.message));
  }

  // Runs `action`, then checks the page, saves a screenshot and measures
  // the layout. A failure leaves a screenshot of the failing state.
  async step(label, action) {
    this.stepCount += 1;
    const file = `${String(this.stepCount).padStart(2, '0')}-${label}`;
    try {
      await action();
      assert.deepEqual(this.dialogs, [], 'a dialog opened: a script ran');
      assert.deepEqual(this.pageErrors, [],
                       'the browser reported errors (a CSP refusal?)');
      await this.page.screenshot({
        path: path.join(this.dir, `${file}.png`),
        fullPage: true,
      });
      const problems =
          await layoutProblems(this.page, layoutLimits(this.isPhone));
      assert.deepEqual(problems, [], 'the page is not tidy');
      console.log(`ok   ${this.name} ${file}`);
    } catch (error) {
      await this.page
          .screenshot({
            path: path.join(this.dir, `${file}-FAILED.png`),
            fullPage: true,
          })
          .catch(() => {});
      error.message = `${this.name} step ${file}: ${error.message}`;
      throw error;
    }
  }

  async open(target) {
    const response = await this.page.goto(this.baseUrl + target);
    assert.equal(response.status(), 200, `GET ${target}`);
    return response;
  }

  // Clicks a form's submit button and waits for the page that answers
  // (after a redirect, the page redirected to).
  async submit(button) {
    await Promise.all([this.page.waitForEvent('load'), button.click()]);
  }

  // Fills in and sends the add form; the server answers 303 to /tasks.
  async add(title, description = '') {
    const { page } = this;
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByLabel('Description', { exact: true }).fill(description);
    await this.submit(page.getByRole('button', { name: 'Add task' }));
    assert.equal(new URL(page.url()).pathname, '/tasks');
  }

  async search(term) {
    await this.page.getByRole('searchbox').fill(term);
    await this.submit(this.page.getByRole('button', { name: 'Search' }));
  }

  // The <li> of the listed task titled exactly `title`.
  row(title) {
    return this.page.locator('ul.tasks > li').filter({
      has: this.page.getByRole('heading', { name: title, exact: true }),
    });
  }

  // The id of the task in `row`, read from its delete form.
  async taskId(row) {
    const action =
        await row.locator('form[action$="/delete"]').getAttribute('action');
    return action.match(/^\/tasks\/(\d+)\/delete$/)[1];
  }

  async listedTitles() {
    return this.page.locator('ul.tasks > li h3').allInnerTexts();
  }

  async heading() {
    return (await this.page.locator('h2').last().innerText()).trim();
  }
}

async function walkPages(walk) {
  const { page } = walk;
  const title = 'Buy oat milk';
  let taskId = '';

  await walk.step('empty-list', async () => {
    const response = await walk.open('/tasks');
    checkPolicy(response.headers()['content-security-policy']);
    // The inline style sheet was allowed by its hash and applied.
    const width = await page.locator('main').evaluate(
        (main) => getComputedStyle(main).maxWidth);
    assert.notEqual(width, 'none', 'the style sheet was not applied');
    assert.equal(await walk.heading(), '0 tasks');
  });

  await walk.step('keyboard-focus-visible', async () => {
    // Tab from the top to the search box; every stop must show its focus.
    for (let presses = 1;; ++presses) {
      assert.ok(presses <= 10, 'Tab does not reach the search box');
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(() => {
        const style = getComputedStyle(document.activeElement);
        return {
          name: document.activeElement.getAttribute('name'),
          outline: style.outlineStyle,
          width: parseFloat(style.outlineWidth),
        };
      });
      assert.notEqual(focus.outline, 'none', 'the focus must be visible');
      assert.ok(focus.width >= 2, `focus outline ${focus.width} px thin`);
      if (focus.name === 'searchterm') break;
    }
  });

  await walk.step('added', async () => {
    await walk.add(title, 'Two litres,\nthe barista kind.');
    await walk.add('Walk the dog');
    assert.deepEqual(await walk.listedTitles(), [title, 'Walk the dog']);
    assert.equal(await walk.heading(), '2 tasks');
    taskId = await walk.taskId(walk.row(title));
  });

  await walk.step('searched', async () => {
    await walk.search('OAT');
    assert.deepEqual(await walk.listedTitles(), [title]);
    assert.equal(await walk.heading(), '1 task matching \u201cOAT\u201d');
    assert.equal(await page.getByRole('searchbox').inputValue(), 'OAT');
  });

  await walk.step('deleted', async () => {
    const remove = walk.row(title).getByRole('button', { name: 'Delete' });
    await walk.submit(remove);
    assert.deepEqual(await walk.listedTitles(), ['Walk the dog']);
  });

  await walk.step('gone-from-search', async () => {
    await walk.search('oat');
    assert.deepEqual(await walk.listedTitles(), []);
    assert.equal(await walk.heading(), '0 tasks matching \u201coat\u201d');
  });

  await restoreFromTrash(walk, title, taskId);

  await walk.step('markup-title-shown-as-text', async () => {
    await walk.open('/tasks');
    await walk.add(kMarkupTitle, '<b>not bold</b> & <script>alert(2)</script>');
    // Give a handler that should never exist the time to fire.
    await page.waitForTimeout(200);
    assert.equal(await page.locator('img, script, b').count(), 0,
                 'markup from a title became an element');
    await assert.doesNotReject(
        page.getByRole('heading', { name: kMarkupTitle, exact: true })
            .waitFor({ state: 'visible', timeout: 2000 }),
        'the title is not visible as literal text');
    await page.getByText('<b>not bold</b> & <script>alert(2)</script>',
                         { exact: true })
        .waitFor({ state: 'visible', timeout: 2000 });
  });

  await walk.step('markup-search-shown-as-text', async () => {
    await walk.search(kMarkupTitle);
    assert.deepEqual(await walk.listedTitles(), [kMarkupTitle]);
    assert.equal(await walk.heading(),
                 `1 task matching \u201c${kMarkupTitle}\u201d`);
    assert.equal(await page.locator('img, script').count(), 0);
  });

  await walk.step('long-words-wrap', async () => {
    // One unbroken word as long as a title may be: it must wrap, not
    // push the page wider than the screen (the layout check sees that).
    const word = 'Supercalifragilistic'.repeat(5);
    await walk.add(word, `https://example.invalid/${'path/'.repeat(30)}`);
    assert.ok((await walk.listedTitles()).includes(word));
    await walk.search(word);
    assert.equal(await walk.heading(), `1 task matching \u201c${word}\u201d`);
  });

  await walk.step('dark-scheme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await walk.open('/tasks');
    const colors = await page.evaluate(() => ({
      page: getComputedStyle(document.body).backgroundColor,
      text: getComputedStyle(document.body).color,
    }));
    assert.notEqual(colors.page, colors.text);
    assert.match(colors.page, /^rgb\((\d|[1-4]\d),/, 'a dark background');
  });

  await walk.step('form-error', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await walk.open('/tasks');
    await page.getByLabel('Title', { exact: true }).fill('x'.repeat(101));
    await walk.submit(page.getByRole('button', { name: 'Add task' }));
    await page.getByRole('alert').waitFor({ timeout: 2000 });
    assert.match(await page.getByRole('alert').innerText(),
                 /at most 100 are allowed/);
    assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(),
                 'x'.repeat(101), 'the typed title is kept');
  });

  await walk.step('error-page', async () => {
    // Deleted elsewhere (another tab, the API) while this page showed it.
    await walk.add('Water the plants');
    const stale = walk.row('Water the plants');
    const id = await walk.taskId(stale);
    const gone = await page.request.delete(`${walk.baseUrl}/api/tasks/${id}`);
    assert.equal(gone.status(), 204);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/tasks/${id}/delete`)),
      stale.getByRole('button', { name: 'Delete' }).click(),
    ]);
    assert.equal(response.status(), 410);
    checkPolicy(response.headers()['content-security-policy']);
    await page.getByRole('heading', { name: '410 Gone' }).waitFor();
    await page.getByRole('link', { name: 'Back to the tasks' }).waitFor();
  });
}

// Finds the deleted task in the trash and restores it.
// TODO(lifecycle-pages): walk the edit form, the completion check box and
// the history page too; only the trash and restore are walked.
async function restoreFromTrash(walk, title, taskId) {
  const { page } = walk;
  await walk.step('trash', async () => {
    await walk.open('/trash');
    await page.getByText(title, { exact: true }).first().waitFor();
  });

  await walk.step('restored', async () => {
    const restore = page.locator(`form[action="/tasks/${taskId}/restore"]`)
                        .getByRole('button', { name: /Restore/ });
    await walk.submit(restore);
    await walk.open('/tasks');
    assert.deepEqual((await walk.listedTitles()).sort(),
                     [title, 'Walk the dog'].sort());
  });
}

async function walkViewport(binary, artifactsDir, { name, options }) {
  const server = await startServer(binary);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: kChromium,
      headless: true,
      args: kChromiumArgs,
      ...options,
    });
    const page = context.pages()[0] ?? await context.newPage();
    page.setDefaultTimeout(10000);
    const walk = new Walk(name, options.isMobile === true, page, server.url,
                          artifactsDir);
    await walkPages(walk);
  } finally {
    if (context) await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
    await server.stop();
  }
}

async function main() {
  const [binary, artifactsDir] = process.argv.slice(2);
  if (!binary || !artifactsDir) {
    console.error('usage: node walk.mjs TASKSTORE_BINARY ARTIFACTS_DIR');
    process.exit(2);
  }
  fs.rmSync(artifactsDir, { recursive: true, force: true });

  let failed = 0;
  for (const viewport of kViewports) {
    try {
      await walkViewport(binary, artifactsDir, viewport);
    } catch (error) {
      failed += 1;
      console.error(`FAIL ${error.stack ?? error}`);
    }
  }
  console.log(`screenshots in ${artifactsDir}`);
  console.log(`${kViewports.length - failed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

await main();
