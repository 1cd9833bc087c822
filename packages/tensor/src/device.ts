import { DeviceError } from './errors.js';

export type DeviceType = 'cpu' | 'cuda';
/** 'cpu', 'cuda' or 'cuda:N'. */
export type DeviceLike = string | Device;

export class Device {
  private static readonly interned = new Map<string, Device>();
  private constructor(readonly type: DeviceType, readonly index: number) {}

  /** The one Device object for a spelling, so devices compare with ===. */
  static of(spec: DeviceLike, where = 'device'): Device {
    if (spec instanceof Device) return spec;
    if (typeof spec === 'string') {
      const known = Device.interned.get(spec);
      if (known) return known;
      const m = /^(cpu|cuda)(?::(\d+))?$/.exec(spec);
      if (m && !(m[1] === 'cpu' && m[2] !== undefined && m[2] !== '0')) {
        const type = m[1] as DeviceType;
        const index = m[2] === undefined ? 0 : Number(m[2]);
        const canonical = type === 'cpu' ? 'cpu' : `cuda:${index}`;
        let dev = Device.interned.get(canonical);
        if (!dev) {
          dev = new Device(type, index);
          Device.interned.set(canonical, dev);
        }
        Device.interned.set(spec, dev);
        return dev;
      }
    }
    throw new DeviceError(`${where}: expected 'cpu', 'cuda' or 'cuda:N', got ${JSON.stringify(spec)}`);
  }

  get typeId(): number {
    return this.type === 'cpu' ? 0 : 1;
  }
  toString(): string {
    return this.type === 'cpu' ? 'cpu' : `cuda:${this.index}`;
  }
}

let defaultDevice = Device.of('cpu');
export const getDefaultDevice = (): Device => defaultDevice;
export function setDefaultDevice(spec: DeviceLike): void {
  defaultDevice = Device.of(spec, 'setDefaultDevice');
}
