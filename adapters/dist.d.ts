// Types of adapters/dist.js (plain JavaScript: the executable reads it before any TypeScript loader exists).
export declare const SOURCE_DIRS: readonly string[];
export declare const BUILD_CONFIGS: readonly string[];
export declare const BUILD_INFO: string;
export declare function sourceFiles(root: string): string[];
export declare function sourceFingerprint(root: string): string;
export declare function builtMain(
  root: string,
): { main: URL; fingerprint: string } | { main: undefined; reason: string; fingerprint?: string | undefined };
