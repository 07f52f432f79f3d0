// Checks that a Content-Security-Policy header is strict: nothing loads
// by default, no script may run, styles only by hash, forms post only to
// this server, no framing, no <base>.
import assert from 'node:assert/strict';

export function checkPolicy(header) {
  assert.ok(header, 'no Content-Security-Policy header');
  const directives = new Map();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  const sources = (name) => (directives.get(name) ?? []).join(' ');

  assert.equal(sources('default-src'), "'none'", header);
  assert.equal(sources('form-action'), "'self'", header);
  assert.equal(sources('frame-ancestors'), "'none'", header);
  assert.equal(sources('base-uri'), "'none'", header);
  assert.ok(!directives.has('script-src') ||
                sources('script-src') === "'none'",
            `scripts may run: ${header}`);
  for (const source of directives.get('style-src') ?? []) {
    assert.match(source, /^'sha256-[A-Za-z0-9+/]{43}='$/,
                 `style-src allows more than hashed styles: ${header}`);
  }
  assert.doesNotMatch(header, /unsafe-|\*|data:|http:|https:/,
                      `a loose source: ${header}`);
}
