// Words and symbols shared by the plan formatters, so text, markdown and JSON agree.
import { describeIdentity, Identity, identityKey } from '../../provider/model/identity';
import { DiffEntry } from './diff';
import { ChangeAction, PlanSummary, ResourceChange, SettingEffect } from './plan-types';

export const ACTION_SYMBOL: Record<ChangeAction, string> = { create: '+', update: '~', delete: '-', replace: '-/+' };
export const OP_SYMBOL: Record<DiffEntry['op'], string> = { add: '+', remove: '-', change: '~', order: '~' };

/** `apps/serviceB/serviceB`: the identity key without its kind. */
export function shortName(id: Identity): string {
  const key = identityKey(id);
  return key.slice(key.indexOf('/') + 1);
}

export function actionSentence(change: ResourceChange): string {
  const what = describeIdentity(change.identity);
  switch (change.action) {
    case 'create':
      return `${what} will be created`;
    case 'update':
      return `${what} will be updated in place`;
    case 'delete':
      return `${what} will be destroyed`;
    case 'replace':
      return `${what} must be replaced: ${replaceReason(change.from!, change.identity)}`;
  }
}

function replaceReason(from: Identity, to: Identity): string {
  if (from.meshName !== to.meshName) return `moved from mesh ${from.meshName} (identity is immutable)`;
  if (from.parentName !== to.parentName) return `moved from ${from.kind === 'Route' ? 'VirtualRouter' : 'VirtualGateway'} ${from.parentName} (identity is immutable)`;
  if (from.name !== to.name) return `renamed from ${from.name} (identity is immutable)`;
  return 'meshOwner changed, so it lives in another account’s mesh';
}

export function renderValue(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

export function diffLine(entry: DiffEntry): string {
  const symbol = OP_SYMBOL[entry.op];
  switch (entry.op) {
    case 'add':
      return `${symbol} ${entry.path}: ${renderValue(entry.after)}`;
    case 'remove':
      return `${symbol} ${entry.path}: ${renderValue(entry.before)}`;
    case 'change':
      return `${symbol} ${entry.path}: ${renderValue(entry.before)} → ${renderValue(entry.after)}`;
    case 'order':
      return `${symbol} ${entry.path} order: ${(entry.before as string[]).join(', ')} → ${(entry.after as string[]).join(', ')}`;
  }
}

/** What a changed environment.yaml setting does, after its diff line. */
export const SETTING_EFFECT: Record<SettingEffect, string> = {
  translation: 'changes the configuration proxies receive',
  identity: 'changes ARNs and the full-ARN node ids proxies must present',
  validation: 'changes what validation accepts; proxies receive nothing new from it',
};

export const SETTINGS_HEADING = 'environment.yaml settings will change';

/** Terraform's counting: a replace is one to add and one to destroy. */
export function summaryLine(summary: PlanSummary): string {
  const add = summary.create + summary.replace;
  const destroy = summary.delete + summary.replace;
  const settings = summary.settings ? `, ${summary.settings} ${summary.settings === 1 ? 'setting' : 'settings'} to change` : '';
  return `Plan: ${add} to add, ${summary.update} to change, ${destroy} to destroy${settings}.`;
}
