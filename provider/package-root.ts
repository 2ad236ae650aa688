// The installed package's root (the folder with package.json), whether running from dist/ or a checkout.
import { findRepoRoot } from './schema/schema-location';

export const PACKAGE_ROOT = findRepoRoot(__dirname);
