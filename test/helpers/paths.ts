// Locations tests read from: this repository and the shared specs and fixtures beside it.
import * as path from 'node:path';
import { PACKAGE_ROOT } from '../../provider/package-root';

export const REPO_ROOT = PACKAGE_ROOT;
export const SHARED_DIR = process.env.MESHPLANE_SHARED_DIR ?? path.resolve(REPO_ROOT, '..', 'shared');
export const FIXTURES_DIR = path.join(SHARED_DIR, 'fixtures', 'appmesh-examples');
