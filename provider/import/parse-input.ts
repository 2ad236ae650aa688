// Parses one input file (YAML, or JSON when it is named .json) keeping positions; syntax
// problems become IMPORT-SYNTAX findings, which stop the import from writing anything.
import { ParsedDocument, parseFile } from '../load/parsed-document';
import { InputFile } from './input-files';
import { ImportReport } from './report';

export function parseInput(file: InputFile, report: ImportReport): ParsedDocument[] {
  const parsed = parseFile(file.text, /\.json$/i.test(file.path) ? 'json' : 'yaml');
  for (const problem of parsed.problems) {
    report.error('IMPORT-SYNTAX', problem.message, { file: file.path, locate: () => problem.position });
  }
  return parsed.problems.length > 0 ? [] : parsed.documents;
}
