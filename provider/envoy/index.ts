// The Envoy translation: App Mesh model → per-proxy Envoy v3 resources (Envoy sidecars and
// gateways, and proxyless gRPC clients). The xDS server uses EnvoyTranslator and snapshot.ts.
export * from './snapshot';
export { EnvoyTranslator, EnvoyTranslatorOptions, UpdateResult, sameSnapshot } from './translator';
export { translateProxy, createTranslationContext, SecretSource, SecretMaterial, TranslationContext } from './translate-proxy';
export { decodeMessage, encodeMessage, ResourcePool } from './proto-codec';
export * as names from './names';
