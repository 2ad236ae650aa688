// Every walkthrough of the App Mesh examples corpus, in every dialect it has, imports and
// validates clean stage by stage; the files INDEX.md lists as quirks produce the finding
// that quirk calls for instead.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Diagnostic } from '../../provider/model/diagnostic';
import { runImport } from '../../provider/import/import';
import { renderResource } from '../../provider/import/canonical';
import { runImportCommand } from '../../reconciler/cli/commands/import';
import { captureTerminal } from '../helpers/capture-terminal';
import { makeTempRepo, TempRepo } from '../helpers/temp-repo';
import { corpusAvailable, corpusFolders, corpusParams, CorpusFile, CorpusFolder, DIALECT_OF } from './corpus';

const ENV = 'environments/corpus';

interface Outcome {
  complete: boolean;
  valid: boolean;
  written: string[];
  report: Diagnostic[];
  diagnostics: Diagnostic[];
}

/** What each quirk that makes a file unusable must produce (INDEX.md "Known quirks"). */
const QUIRK_FINDINGS: Record<string, { expect: string; found: (d: Diagnostic) => boolean }> = {
  Q02: { expect: 'a diagnostic on tls.enforce ("true," is a string)', found: (d) => d.severity === 'error' && d.pointer.endsWith('/enforce') },
  Q03: { expect: 'a diagnostic on the scalar certificateAuthorityArns', found: (d) => d.severity === 'error' && d.pointer.includes('certificateAuthorityArns') },
  Q04: { expect: 'IMPORT-UNMAPPED for tls.protocol', found: (d) => d.code === 'IMPORT-UNMAPPED' && d.pointer.endsWith('/tls/protocol') },
  Q07: { expect: 'IMPORT-UNMAPPED for tcpRoute.match.prefix', found: (d) => d.code === 'IMPORT-UNMAPPED' && d.pointer.endsWith('/tcpRoute/match/prefix') },
  Q08: { expect: 'IMPORT-REF for the dangling virtualNodeRef', found: (d) => d.code === 'IMPORT-REF' && d.pointer.includes('virtualNodeRef') },
  Q09: { expect: 'IMPORT-UNMAPPED for clientPolicy.tls.mode', found: (d) => d.code === 'IMPORT-UNMAPPED' && d.pointer.endsWith('/tls/mode') },
  Q10: { expect: 'IMPORT-UNMAPPED for camelCase OutlierDetection members', found: (d) => d.code === 'IMPORT-UNMAPPED' && d.pointer.includes('/OutlierDetection/') },
  Q11: { expect: 'RT-M-1 or GR-2 for a port-only match', found: (d) => d.code === 'RT-M-1' || d.code === 'GR-2' },
  Q12: { expect: 'IMPORT-VERSION for appmesh.k8s.aws/v1beta1', found: (d) => d.code === 'IMPORT-VERSION' },
  Q13: { expect: 'IMPORT-AWSNAME for the changed awsName', found: (d) => d.code === 'IMPORT-AWSNAME' },
};

const isBroken = (file: CorpusFile) => file.quirks.some((q) => q in QUIRK_FINDINGS);

/**
 * Walkthroughs that are not self-contained in the corpus, with the only diagnostics their stages
 * may produce and why (their SOURCE.md / INDEX.md say so).
 */
const KNOWN_GAPS: Record<string, { codes: string[]; why: string }> = {
  'ecs-canary-deployments-pipeline': {
    codes: ['R2', 'R6'],
    why: 'the per-version virtual nodes and the other microservices\' pipeline stacks come from templates outside the repository (SOURCE.md)',
  },
  'eks-canary-deployments-pipeline': {
    codes: ['R8'],
    why: 'the redis-server service is defined only in the file with quirk Q07, which the clean stages leave out',
  },
};

/** Blog companions that change the resources another walkthrough created (their SOURCE.md says so). */
const BUILDS_ON: Record<string, string> = { 'http-headers-and-priority': 'howto-http-headers', 'http-retry-policy': 'howto-http-retries' };

/** Walkthroughs whose mesh is created outside their files (INDEX.md W03): the test creates it, as the reader would. */
const MESH_CREATED_OUTSIDE: Record<string, string> = { 'eks-getting-started': 'yelb' };

class Walkthrough {
  readonly repo: TempRepo;
  constructor(readonly folder: CorpusFolder, repo?: TempRepo) {
    this.repo = repo ?? makeTempRepo({ [`${ENV}/environment.yaml`]: 'account: "111122223333"\nregion: us-west-2\n' });
  }

  /** A fresh environment holding the final state of the walkthrough this one builds on, and the meshes created outside the files. */
  static async prepare(folder: CorpusFolder): Promise<Walkthrough> {
    const walkthrough = new Walkthrough(folder);
    const base = BUILDS_ON[folder.name];
    if (base) await new Walkthrough(corpusFolders().find((f) => f.name === base)!, walkthrough.repo).replay();
    await walkthrough.createMissingMeshes();
    return walkthrough;
  }

  async import(dialect: CorpusFile['dialect'], files: CorpusFile[]): Promise<Outcome> {
    const terminal = captureTerminal();
    const param = Object.entries(corpusParams(this.folder)).map(([k, v]) => `${k}=${v}`);
    const mesh = MESH_CREATED_OUTSIDE[this.folder.name];
    const inputs = files.map((f) => path.join(this.folder.dir, f.path));
    await runImportCommand(inputs, { from: DIALECT_OF[dialect], out: ENV, param, mesh, format: 'json' }, terminal, this.repo.dir);
    return JSON.parse(terminal.stdout) as Outcome;
  }

  /** Creates the meshes the files use but do not define (W03). */
  async createMissingMeshes(): Promise<void> {
    const used = new Set<string>();
    const defined = new Set<string>();
    for (const dialect of ['api', 'cloudformation', 'k8s'] as const) {
      const files = this.folder.files.filter((f) => f.dialect === dialect && !isBroken(f) && f.step !== null);
      if (files.length === 0) continue;
      const result = await runImport({
        dialect: DIALECT_OF[dialect],
        inputs: files.map((f) => path.join(this.folder.dir, f.path)),
        cwd: this.repo.dir,
        params: corpusParams(this.folder),
        mesh: MESH_CREATED_OUTSIDE[this.folder.name],
      });
      for (const r of result.resources) (r.doc.kind === 'Mesh' ? defined : used).add(r.doc.meshName);
    }
    for (const mesh of used) {
      if (!defined.has(mesh) && !fs.existsSync(path.join(this.repo.dir, ENV, mesh, 'mesh.yaml'))) this.repo.write(`${ENV}/${mesh}/mesh.yaml`, renderResource({ doc: { kind: 'Mesh', meshName: mesh, spec: {} }, source: 'test: created outside the walkthrough files', line: 0 }));
    }
  }

  /** Applies the stages up to `last` (all when undefined); returns the outcome after each stage. */
  async replay(last?: number): Promise<Array<{ step: number; outcome: Outcome }>> {
    const clean = this.folder.files.filter((f) => f.step !== null && !isBroken(f));
    const steps = [...new Set(clean.map((f) => f.step as number))].sort((a, b) => a - b).filter((s) => last === undefined || s <= last);
    const outcomes: Array<{ step: number; outcome: Outcome }> = [];
    for (const step of steps) {
      let outcome: Outcome | undefined;
      for (const dialect of ['cloudformation', 'k8s', 'api'] as const) {
        const now = clean.filter((f) => f.dialect === dialect && f.step === step);
        if (now.length === 0) continue;
        // Stacks and clusters accumulate: earlier templates export values, earlier manifests hold namespaces and refs.
        const inputs = dialect === 'api' ? now : clean.filter((f) => f.dialect === dialect && (f.step as number) <= step);
        outcome = await this.import(dialect, inputs);
      }
      outcomes.push({ step, outcome: outcome! });
    }
    return outcomes;
  }
}

function problems(outcome: Outcome): string {
  return [...outcome.report, ...outcome.diagnostics]
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.file}:${d.line}: ${d.code} ${d.message}`)
    .join('\n');
}

(corpusAvailable() ? describe : describe.skip)('import: App Mesh examples corpus (shared/fixtures/appmesh-examples)', function () {
  this.timeout(120_000);
  for (const folder of corpusAvailable() ? corpusFolders() : []) {
    describe(folder.name, () => {
      const staged = folder.files.filter((f) => f.step !== null && !isBroken(f));
      if (staged.length > 0) {
        it('imports and validates clean after every stage', async () => {
          const walkthrough = await Walkthrough.prepare(folder);
          try {
            const gap = KNOWN_GAPS[folder.name];
            for (const { step, outcome } of await walkthrough.replay()) {
              if (gap) {
                const unexpected = [...outcome.report, ...outcome.diagnostics].filter((d) => d.severity === 'error' && !gap.codes.includes(d.code));
                assert.deepEqual(unexpected, [], `stage ${step} of ${folder.name} (known gap: ${gap.why})`);
              } else {
                assert.ok(outcome.complete && outcome.valid, `stage ${step} of ${folder.name}:\n${problems(outcome)}`);
              }
            }
          } finally {
            walkthrough.repo.remove();
          }
        });
      }
      for (const file of folder.files.filter(isBroken)) {
        const quirks = file.quirks.filter((q) => q in QUIRK_FINDINGS);
        it(`${file.path} produces ${quirks.join(', ')}`, async () => {
          const walkthrough = await Walkthrough.prepare(folder);
          try {
            const before = file.step === null ? [] : await walkthrough.replay(file.step - 1);
            const earlier = file.step === null ? [] : folder.files.filter((f) => f.dialect === file.dialect && f.dialect !== 'api' && f.step !== null && f.step < file.step! && !isBroken(f));
            const outcome = await walkthrough.import(file.dialect, [...earlier, file]);
            assert.ok(before.every((b) => b.outcome.valid));
            const all = [...outcome.report, ...outcome.diagnostics];
            assert.ok(!(outcome.complete && outcome.valid), `${file.path} imported clean although it has ${quirks.join(', ')}`);
            for (const quirk of quirks) {
              assert.ok(all.some(QUIRK_FINDINGS[quirk].found), `${file.path}: expected ${QUIRK_FINDINGS[quirk].expect}; got:\n${problems(outcome)}`);
            }
          } finally {
            walkthrough.repo.remove();
          }
        });
      }
      for (const file of folder.files.filter((f) => f.step === null && !isBroken(f))) {
        it(`${file.path} (an alternative to the staged files) imports and validates clean`, async () => {
          const walkthrough = await Walkthrough.prepare(folder);
          try {
            // An update input applies to the walkthrough's final state; a template stands alone.
            if (file.dialect === 'api') await walkthrough.replay();
            const outcome = await walkthrough.import(file.dialect, [file]);
            assert.ok(outcome.complete && outcome.valid, `${file.path}:\n${problems(outcome)}`);
          } finally {
            walkthrough.repo.remove();
          }
        });
      }
    });
  }
});

