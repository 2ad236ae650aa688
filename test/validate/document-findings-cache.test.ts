// The per-document layers kept across revisions (DocumentFindingsCache): a resource is checked
// again only when the environment settings changed in value. A load without environment.yaml
// makes new default settings each time; they must not have every document checked again.
import * as assert from 'node:assert/strict';
import { EnvironmentConfig } from '../../provider/environment/environment-config';
import { DocumentFindingsCache } from '../../provider/validate/document-findings';
import { GraphFindingsCache } from '../../provider/validate/graph-findings-cache';
import { validateEnvironment } from '../../provider/validate/validate';
import { loadApps } from './validate-fixtures';

describe('DocumentFindingsCache', () => {
  it('checks no document again when the settings are a new object with the same value', async () => {
    const env = await loadApps();
    const caches = { findings: new DocumentFindingsCache(), graph: new GraphFindingsCache() };
    const first = validateEnvironment({ config: env.config, resources: env.resources }, caches);
    assert.equal(caches.findings.checked, env.resources.length);

    const again = validateEnvironment({ config: structuredClone(env.config), resources: env.resources }, caches);
    assert.equal(caches.findings.checked, env.resources.length, 'equal settings in a new object re-checked documents');
    assert.deepEqual(again.diagnostics, first.diagnostics);
  });

  it('checks every document again when a setting changed, and gives what a full validation gives', async () => {
    const env = await loadApps();
    const caches = { findings: new DocumentFindingsCache(), graph: new GraphFindingsCache() };
    validateEnvironment({ config: env.config, resources: env.resources }, caches);

    const withoutAcm: EnvironmentConfig = structuredClone(env.config);
    withoutAcm.validation.acmProvider = false;
    const cached = validateEnvironment({ config: withoutAcm, resources: env.resources }, caches);
    assert.equal(caches.findings.checked, 2 * env.resources.length);
    assert.ok(cached.diagnostics.some((d) => d.code === 'TLS-5'), 'the fixture uses ACM certificates: TLS-5 expected');
    assert.deepEqual(cached.diagnostics, validateEnvironment({ config: withoutAcm, resources: env.resources }).diagnostics);
  });
});
