// The state store: applied revisions, history and locks, behind one interface.
export * from './state-types';
export * from './state-store';
export * from './errors';
export { FileStateStore } from './file-state-store';
export { DATA_DIR_VARIABLE, DEFAULT_DATA_DIR, resolveDataDir, resolveStateDir, STATE_DIR_VARIABLE, StateLocationOptions, stateStoreDir } from './state-dir';
export { nextRevision, storedDocument } from './next-revision';
