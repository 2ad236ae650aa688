// The `status` section of environment.yaml: which reporters get the commit statuses.
//
//   status:
//     reporter: github            # git-notes (default) | github | gitea | gitlab, or a list
//     github: { owner: acme, repo: mesh, tokenEnv: GITHUB_TOKEN, baseUrl: https://api.github.com }
//
// Tokens come only from environment variables (named by tokenEnv), never from the repository.
import { Diagnostic, joinPointer } from '../../provider/model/diagnostic';
import { Position } from '../../provider/model/resource';
import { closestMatch } from '../load/closest-match';
import { GITHUB_API } from './github-reporter';
import { GITLAB_URL } from './gitlab-reporter';

export const REPORTER_KINDS = ['git-notes', 'github', 'gitea', 'gitlab'] as const;
export type ReporterKind = (typeof REPORTER_KINDS)[number];

export interface ForgeRepository {
  owner: string;
  repo: string;
  tokenEnv: string;
  baseUrl: string;
}

export interface GitLabProject {
  project: string;
  tokenEnv: string;
  baseUrl: string;
}

export interface StatusSettings {
  reporters: ReporterKind[];
  github?: ForgeRepository;
  gitea?: ForgeRepository;
  gitlab?: GitLabProject;
}

export const DEFAULT_STATUS_SETTINGS: StatusSettings = { reporters: ['git-notes'] };
export const DEFAULT_TOKEN_ENV: Record<'github' | 'gitea' | 'gitlab', string> = { github: 'GITHUB_TOKEN', gitea: 'GITEA_TOKEN', gitlab: 'GITLAB_TOKEN' };

const FORGE_KEYS = ['owner', 'repo', 'tokenEnv', 'baseUrl'];
const GITLAB_KEYS = ['project', 'tokenEnv', 'baseUrl'];
// `reporters`: names the operator declared (selected by the daemon, see load-revision.ts).
const SECTION_KEYS = ['reporters', 'reporter', ...REPORTER_KINDS.filter((k) => k !== 'git-notes')];

export interface SettingsLocation {
  file: string;
  /** Positions in environment.yaml by JSON pointer (the section is at `/status`). */
  locate?: (pointer: string) => Position;
}

export function readStatusSettings(value: unknown, at: SettingsLocation): { settings: StatusSettings; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const report = (code: string, pointer: string, message: string) => {
    const { line, column } = at.locate?.(pointer) ?? { line: 0, column: 0 };
    diagnostics.push({ code, severity: 'error', message, file: at.file, line, column, pointer });
  };
  if (value === undefined || value === null) return { settings: { ...DEFAULT_STATUS_SETTINGS }, diagnostics };
  const base = '/status';
  if (!isRecord(value)) {
    report('STATUS-1', base, 'status must be a mapping, e.g. `status: { reporter: github, github: { owner: acme, repo: mesh } }`.');
    return { settings: { ...DEFAULT_STATUS_SETTINGS }, diagnostics };
  }
  for (const key of Object.keys(value)) {
    if (!SECTION_KEYS.includes(key)) {
      const hint = closestMatch(key, SECTION_KEYS);
      report('STATUS-1', joinPointer(base, key), `unknown status setting "${key}"; known: ${SECTION_KEYS.join(', ')}.${hint ? ` Did you mean "${hint}"?` : ''}`);
    }
  }
  const reporters = readReporters(value.reporter, joinPointer(base, 'reporter'), report);
  const settings: StatusSettings = { reporters };
  for (const forge of ['github', 'gitea'] as const) {
    const section = value[forge];
    if (section === undefined && !reporters.includes(forge)) continue;
    // A missing section is reported where the reporter is named.
    const read = readForge(forge, section, joinPointer(base, section === undefined ? 'reporter' : forge), report);
    if (read) settings[forge] = read;
  }
  if (value.gitlab !== undefined || reporters.includes('gitlab')) {
    const read = readGitLab(value.gitlab, joinPointer(base, value.gitlab === undefined ? 'reporter' : 'gitlab'), report);
    if (read) settings.gitlab = read;
  }
  return { settings, diagnostics };
}

type Report = (code: string, pointer: string, message: string) => void;

function readReporters(value: unknown, pointer: string, report: Report): ReporterKind[] {
  if (value === undefined) return ['git-notes'];
  const names = Array.isArray(value) ? value : [value];
  const out: ReporterKind[] = [];
  names.forEach((name, index) => {
    const at = Array.isArray(value) ? joinPointer(pointer, String(index)) : pointer;
    if (typeof name === 'string' && (REPORTER_KINDS as readonly string[]).includes(name)) {
      if (!out.includes(name as ReporterKind)) out.push(name as ReporterKind);
    } else {
      const hint = typeof name === 'string' ? closestMatch(name, REPORTER_KINDS) : undefined;
      report('STATUS-1', at, `unknown status reporter ${JSON.stringify(name)}; use ${REPORTER_KINDS.join(', ')} (or a list of them).${hint ? ` Did you mean "${hint}"?` : ''}`);
    }
  });
  if (Array.isArray(value) && value.length === 0) report('STATUS-1', pointer, 'status.reporter is an empty list; name at least one reporter (git-notes is the default).');
  return out;
}

function readForge(forge: 'github' | 'gitea', value: unknown, pointer: string, report: Report): ForgeRepository | undefined {
  const example = forge === 'github' ? '{ owner: acme, repo: mesh-config }' : '{ owner: acme, repo: mesh-config, baseUrl: https://gitea.example.com/api/v1 }';
  if (!isRecord(value)) {
    report('STATUS-2', pointer, `reporter ${forge} needs status.${forge} with the repository to report to, e.g. \`${forge}: ${example}\`.`);
    return undefined;
  }
  checkKeys(value, pointer, FORGE_KEYS, forge, report);
  const owner = requiredString(value, 'owner', pointer, forge, report);
  const repo = requiredString(value, 'repo', pointer, forge, report);
  const tokenEnv = tokenVariable(value, pointer, DEFAULT_TOKEN_ENV[forge], report);
  const baseUrl = forge === 'github' ? optionalUrl(value, pointer, GITHUB_API, report) : requiredUrl(value, pointer, forge, report);
  if (owner === undefined || repo === undefined || tokenEnv === undefined || baseUrl === undefined) return undefined;
  return { owner, repo, tokenEnv, baseUrl };
}

function readGitLab(value: unknown, pointer: string, report: Report): GitLabProject | undefined {
  if (!isRecord(value)) {
    report('STATUS-2', pointer, 'reporter gitlab needs status.gitlab with the project to report to, e.g. `gitlab: { project: group/mesh-config }`.');
    return undefined;
  }
  checkKeys(value, pointer, GITLAB_KEYS, 'gitlab', report);
  let project: string | undefined;
  if (typeof value.project === 'number' && Number.isInteger(value.project)) project = String(value.project);
  else project = requiredString(value, 'project', pointer, 'gitlab', report);
  const tokenEnv = tokenVariable(value, pointer, DEFAULT_TOKEN_ENV.gitlab, report);
  const baseUrl = optionalUrl(value, pointer, GITLAB_URL, report);
  if (project === undefined || tokenEnv === undefined || baseUrl === undefined) return undefined;
  return { project, tokenEnv, baseUrl };
}

function checkKeys(value: Record<string, unknown>, pointer: string, known: string[], section: string, report: Report): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    if (/token|password|secret/i.test(key)) {
      report('STATUS-3', joinPointer(pointer, key), `status.${section}.${key}: tokens are never read from the repository. Remove it, export the token in an environment variable of the daemon, and name that variable with tokenEnv (default ${DEFAULT_TOKEN_ENV[section as 'github']}).`);
    } else {
      const hint = closestMatch(key, known);
      report('STATUS-1', joinPointer(pointer, key), `unknown setting "${key}" in status.${section}; known: ${known.join(', ')}.${hint ? ` Did you mean "${hint}"?` : ''}`);
    }
  }
}

function requiredString(value: Record<string, unknown>, key: string, pointer: string, section: string, report: Report): string | undefined {
  const setting = value[key];
  if (typeof setting === 'string' && setting.trim().length > 0) return setting.trim();
  report('STATUS-2', setting === undefined ? pointer : joinPointer(pointer, key), `status.${section}.${key} is required and must be a non-empty string.`);
  return undefined;
}

function tokenVariable(value: Record<string, unknown>, pointer: string, fallback: string, report: Report): string | undefined {
  const setting = value.tokenEnv;
  if (setting === undefined) return fallback;
  if (typeof setting === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(setting)) return setting;
  report('STATUS-1', joinPointer(pointer, 'tokenEnv'), `tokenEnv names the environment variable holding the token (e.g. ${fallback}); got ${JSON.stringify(setting)}.`);
  return undefined;
}

function optionalUrl(value: Record<string, unknown>, pointer: string, fallback: string, report: Report): string | undefined {
  return value.baseUrl === undefined ? fallback : checkUrl(value.baseUrl, joinPointer(pointer, 'baseUrl'), report);
}

function requiredUrl(value: Record<string, unknown>, pointer: string, section: string, report: Report): string | undefined {
  if (value.baseUrl === undefined) {
    report('STATUS-2', pointer, `status.${section}.baseUrl is required: the API of your ${section} server, e.g. https://gitea.example.com/api/v1.`);
    return undefined;
  }
  return checkUrl(value.baseUrl, joinPointer(pointer, 'baseUrl'), report);
}

function checkUrl(setting: unknown, pointer: string, report: Report): string | undefined {
  if (typeof setting === 'string' && /^https?:\/\/[^\s/]+/.test(setting)) return setting.replace(/\/+$/, '');
  report('STATUS-1', pointer, `baseUrl must be an http(s) URL such as https://api.github.com; got ${JSON.stringify(setting)}.`);
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
