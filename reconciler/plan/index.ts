// The planner: diffs, ordering, blast radius, formatters, and the plan/apply API.
export * from './plan-types';
export { DiffEntry, DiffOp, diffValues } from './diff';
export { canonicalize, stableStringify } from './canonical';
export { computePlan, hasChanges, PlanOptions } from './planner';
export { formatPlanText, TextFormatOptions } from './format-text';
export { formatPlanJson, planToJson } from './format-json';
export { formatPlanMarkdown, MarkdownFormatOptions } from './format-markdown';
export { summaryLine } from './change-labels';
export * from './plan-environment';
export { PlanMemory } from './plan-memory';
