import * as assert from 'node:assert/strict';
import { parse } from 'yaml';
import { readStatusSettings, StatusSettings } from '../../reconciler/status/settings';
import { parseFile } from '../../provider/load/parsed-document';

const FILE = 'environments/apps/environment.yaml';

interface Case {
  name: string;
  yaml: string;
  settings?: StatusSettings;
  errors?: Array<{ code: string; line: number; message: RegExp }>;
}

const cases: Case[] = [
  { name: 'absent: git notes', yaml: 'account: "111122223333"\n', settings: { reporters: ['git-notes'] } },
  {
    name: 'github with defaults',
    yaml: 'status:\n  reporter: github\n  github: { owner: acme, repo: mesh }\n',
    settings: { reporters: ['github'], github: { owner: 'acme', repo: 'mesh', tokenEnv: 'GITHUB_TOKEN', baseUrl: 'https://api.github.com' } },
  },
  {
    name: 'git notes and gitea together',
    yaml: 'status:\n  reporter: [git-notes, gitea]\n  gitea:\n    owner: ops\n    repo: mesh\n    tokenEnv: MY_GITEA\n    baseUrl: https://gitea.example.com/api/v1/\n',
    settings: { reporters: ['git-notes', 'gitea'], gitea: { owner: 'ops', repo: 'mesh', tokenEnv: 'MY_GITEA', baseUrl: 'https://gitea.example.com/api/v1' } },
  },
  {
    name: 'gitlab with a numeric project',
    yaml: 'status:\n  reporter: gitlab\n  gitlab: { project: 42, baseUrl: https://gitlab.example.com }\n',
    settings: { reporters: ['gitlab'], gitlab: { project: '42', tokenEnv: 'GITLAB_TOKEN', baseUrl: 'https://gitlab.example.com' } },
  },
  {
    name: 'a token in the file is refused',
    yaml: 'status:\n  reporter: github\n  github:\n    owner: acme\n    repo: mesh\n    token: ghp_abc\n',
    errors: [{ code: 'STATUS-3', line: 6, message: /tokens are never read from the repository.*tokenEnv/ }],
  },
  {
    name: 'misspelled reporter',
    yaml: 'status:\n  reporter: githb\n',
    errors: [
      { code: 'STATUS-1', line: 2, message: /unknown status reporter "githb".*Did you mean "github"\?/ },
    ],
  },
  {
    name: 'github reporter without its repository',
    yaml: 'status:\n  reporter: github\n',
    errors: [{ code: 'STATUS-2', line: 2, message: /reporter github needs status.github/ }],
  },
  {
    name: 'gitea needs its baseUrl',
    yaml: 'status:\n  reporter: gitea\n  gitea: { owner: ops, repo: mesh }\n',
    errors: [{ code: 'STATUS-2', line: 3, message: /status.gitea.baseUrl is required/ }],
  },
  {
    name: 'unknown key with a suggestion',
    yaml: 'status:\n  reporter: gitlab\n  gitlab:\n    projct: g/p\n',
    errors: [
      { code: 'STATUS-1', line: 4, message: /unknown setting "projct" in status.gitlab.*Did you mean "project"\?/ },
      { code: 'STATUS-2', line: 3, message: /status.gitlab.project is required/ },
    ],
  },
  {
    name: 'bad baseUrl and tokenEnv',
    yaml: 'status:\n  reporter: github\n  github: { owner: a, repo: b, baseUrl: api.github.com, tokenEnv: "my token" }\n',
    errors: [
      { code: 'STATUS-1', line: 3, message: /tokenEnv names the environment variable/ },
      { code: 'STATUS-1', line: 3, message: /baseUrl must be an http\(s\) URL/ },
    ],
  },
];

describe('status settings (environment.yaml `status`)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const document = parseFile(c.yaml, 'yaml').documents[0];
      const value = (parse(c.yaml) as Record<string, unknown> | null)?.status;
      const { settings, diagnostics } = readStatusSettings(value, { file: FILE, locate: document.locate });
      if (c.settings) {
        assert.deepEqual(diagnostics, []);
        assert.deepEqual(settings, c.settings);
      }
      if (c.errors) {
        assert.equal(diagnostics.length, c.errors.length, JSON.stringify(diagnostics, null, 1));
        c.errors.forEach((expected, i) => {
          assert.equal(diagnostics[i].code, expected.code);
          assert.equal(diagnostics[i].file, FILE);
          assert.equal(diagnostics[i].line, expected.line, diagnostics[i].message);
          assert.match(diagnostics[i].message, expected.message);
        });
      }
    });
  }
});
