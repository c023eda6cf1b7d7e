// Types for node-version.js, which stays plain JavaScript so that any Node.js can run it.
export declare const REQUIRED_NODE: string;
export declare function nodeTooOld(version: string, required?: string): boolean;
export declare function tooOldMessage(version: string, required?: string): string;
