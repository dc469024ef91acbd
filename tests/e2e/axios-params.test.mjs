// tests/fixtures/axios-params.json says what query axios makes of each `params` object; the Rust
// serializer (src/core/params.rs) is tested against the same file. This checks the file against
// axios itself (the version pinned in package.json), so that neither drifts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import axios from 'axios';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/axios-params.json', import.meta.url), 'utf8'));

test(`axios serializes each of the ${fixture.length} params objects of the fixture as the fixture says`, () => {
  for (const { params, query } of fixture) {
    const uri = axios.getUri({ url: '/x', params });
    assert.equal(uri, query ? `/x?${query}` : '/x', JSON.stringify(params));
  }
});
