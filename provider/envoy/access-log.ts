// VN/VGW `logging.accessLog.file` → Envoy's file access logger (envoy-mapping.md §12), on every
// HTTP connection manager and tcp_proxy of the proxy.
import type { Logging } from '../../schemas/types';
import { ANY_TYPES, Json } from './proto-codec';
import { typed } from './envoy-values';

export function accessLogs(logging: Logging | undefined): Json[] | undefined {
  const file = logging?.accessLog?.file;
  if (!file?.path) return undefined;
  const config: Json = { path: file.path };
  const format = file.format;
  if (format?.text !== undefined) {
    config.log_format = { text_format_source: { inline_string: format.text } };
  } else if (format?.json) {
    const fields: Json = {};
    for (const { key, value } of format.json) fields[key] = { string_value: value };
    config.log_format = { json_format: { fields } };
  }
  // No format: Envoy's default format, the one App Mesh's documented parse pattern expects.
  return [{ name: 'envoy.access_loggers.file', typed_config: typed(ANY_TYPES.fileAccessLog, config) }];
}
