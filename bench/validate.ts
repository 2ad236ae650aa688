// Issue 2 target: `validate` on 10,000 resources within 3× the time to read and YAML-parse the same files.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { WorkingTreeSource } from '../reconciler/load/file-source';
import { loadEnvironment } from '../reconciler/load/load-environment';
import { validateEnvironment } from '../provider/validate/validate';
import { medianMs, ratioAtMost, Report } from './report';
import { syntheticMeshDocuments, writeSyntheticEnvironment } from './synthetic-mesh';

export async function run(report: Report): Promise<void> {
  for (const resources of [1_000, 10_000]) {
    const services = Math.round((resources - 1) / 4);
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-bench-validate-'));
    try {
      const files = writeSyntheticEnvironment(repo, 'bench', syntheticMeshDocuments({ services, backendsPerNode: 5 }), services);
      const floor = await medianMs(3, () => {
        for (const file of files) for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) doc.toJS();
      });
      let diagnostics = 0;
      const validate = await medianMs(3, async () => {
        const loaded = await loadEnvironment(new WorkingTreeSource(repo), 'bench');
        diagnostics = validateEnvironment(loaded).diagnostics.length;
      });
      report({
        measurement: `validate ${resources} resources vs read+parse`,
        value: validate,
        unit: 'ms',
        floor,
        target: ratioAtMost(3),
        details: { diagnostics },
      });
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  }
}
