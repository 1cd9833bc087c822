export { addon, addonPath, type NativeAddon, type NativeHandle, type NativeBackendInfo, type NativeMemory } from './addon.js';
export { backends, formatBackends, version, type BackendsReport } from './info.js';
