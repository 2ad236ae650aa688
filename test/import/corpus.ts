// Reads the App Mesh examples corpus (shared/fixtures/appmesh-examples): its index.json, the
// stages of each walkthrough, and the parameter values its SOURCE.md files list.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES_DIR } from '../helpers/paths';
import { ImportDialect } from '../../provider/import/import';

export interface CorpusFile {
  path: string;
  dialect: 'api' | 'cloudformation' | 'k8s';
  step: number | null;
  quirks: string[];
}

export interface CorpusFolder {
  name: string;
  dir: string;
  files: CorpusFile[];
}

export const DIALECT_OF: Record<CorpusFile['dialect'], ImportDialect> = { api: 'describe', cloudformation: 'cloudformation', k8s: 'k8s' };

export function corpusAvailable(): boolean {
  return fs.existsSync(path.join(FIXTURES_DIR, 'index.json'));
}

export function corpusFolders(): CorpusFolder[] {
  const index = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, 'index.json'), 'utf8')) as { folders: Record<string, { files: CorpusFile[] }> };
  return Object.entries(index.folders).map(([name, folder]) => ({ name, dir: path.join(FIXTURES_DIR, name), files: folder.files }));
}

/**
 * The CloudFormation parameter values a walkthrough's scripts pass, from the table in its
 * SOURCE.md ("`MeshName / AppMeshMeshName` | `mtls-appmesh`"), plus the corpus' account and
 * region. Alternatives (`a \| b`) are skipped so the template default applies.
 */
export function corpusParams(folder: CorpusFolder): Record<string, string> {
  const params: Record<string, string> = { 'AWS::Region': 'us-west-2', 'AWS::AccountId': '111122223333', 'AWS::Partition': 'aws' };
  const text = fs.readFileSync(path.join(folder.dir, 'SOURCE.md'), 'utf8');
  const start = text.indexOf('CloudFormation parameters were left as parameters');
  if (start < 0) return params;
  for (const line of text.slice(start).split('\n').slice(1)) {
    if (line.startsWith('##')) break;
    const row = /^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|/.exec(line);
    if (!row || row[2].includes('\\|')) continue;
    // "0, later 1", "false / true", "http (tcp for db)": the first value; "empty, later …": the template default.
    const value = row[2].split(/,| \/ | \(/)[0].trim();
    if (value === 'empty') continue;
    const names = row[1].startsWith('(stack name') ? ['AWS::StackName'] : row[1].split('/').map((n) => n.trim());
    for (const name of names) params[name] = value;
  }
  return { ...params, ...DEPLOY_TIME_VALUES[folder.name] };
}

const CA_ARN = 'arn:aws:acm-pca:us-west-2:111122223333:certificate-authority/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const CERT_ARN = 'arn:aws:acm:us-west-2:111122223333:certificate/11111111-2222-3333-4444-555555555555';

/** Values that exist only once other stacks are deployed, which a user passes with --param (the corpus' dummy ARNs). */
const DEPLOY_TIME_VALUES: Record<string, Record<string, string>> = {
  'howto-mutual-tls-file-provided-by-acm': {
    'mtls-appmesh-example:AcmPcaColorTellerRootCAArn': CA_ARN,
    'mtls-appmesh-example:AcmPcaColorTellerEndpointCertArn': CERT_ARN,
    AcmPcaColorTellerRootCA: CA_ARN,
    AcmPcaColorTellerEndpointCert: CERT_ARN,
  },
  'howto-timeout-policy': { CertificateAuthorityArn: CA_ARN, CertificateArn: CERT_ARN },
  'ecs-cross-account': { MeshOwner: '111122223333' },
  'ecs-ec2-crossvpc-with-tls': { RootCA: CA_ARN, AppMeshCert: CERT_ARN, EXTLB: 'extlb-1234567890.us-west-2.elb.amazonaws.com' },
  'howto-alb': {
    'BackendV1LoadBalancer.DNSName': 'internal-backend-v1-1234567890.us-west-2.elb.amazonaws.com',
    'PublicLoadBalancer.DNSName': 'public-1234567890.us-west-2.elb.amazonaws.com',
  },
  'howto-ecs-basics': { 'PublicLoadBalancer.DNSName': 'public-1234567890.us-west-2.elb.amazonaws.com' },
};
