// Issue #18: driver options are declared, typed and checked; a misspelled option is refused, never ignored.
import { checkDriverOptions, createDriver, isVirtkitError, type ValidationError } from '@virtkit/core';
import memory, { MemoryDriver } from '@virtkit/memory';
import qemu from '@virtkit/qemu';

function refusal(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (isVirtkitError(error, 'VALIDATION_FAILED')) return error as ValidationError;
    throw error;
  }
  throw new Error('expected VALIDATION_FAILED');
}

describe('typed driver options', () => {
  it('a misspelled capabilities option is VALIDATION_FAILED naming the key (it no longer loads every capability)', async () => {
    const error = refusal(() => checkDriverOptions(memory, { capabilites: ['lifecycle'] }));
    expect(error.paths).toEqual(['options.capabilites']);
    expect(error.message).toContain("did you mean 'capabilities'");
    await expect(createDriver(memory, { options: { capabilites: ['lifecycle'] } as never })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('checks values and nested keys with the driver’s own rules', () => {
    expect(refusal(() => checkDriverOptions(memory, { capabilities: ['volume.shrink'] })).paths).toEqual([
      'options.capabilities',
    ]);
    expect(refusal(() => checkDriverOptions(memory, { host: { vcpu: 4 } })).paths).toEqual(['options.host.vcpu']);
    expect(refusal(() => checkDriverOptions(memory, { hostIp: 'not-an-ip' })).paths).toEqual(['hostIp']);
    expect(refusal(() => checkDriverOptions(memory, { capabilities: ['volume.extend'] })).code).toBe(
      'VALIDATION_FAILED',
    );
    expect(refusal(() => checkDriverOptions(memory, 'fast')).paths).toEqual(['options']);
    expect(refusal(() => checkDriverOptions(qemu, { stateDirectory: '/tmp/x' })).paths).toEqual([
      'options.stateDirectory',
    ]);
  });

  it('good options load the driver they describe', async () => {
    const limited = await createDriver(memory, {
      hostname: 'opt-host',
      options: { capabilities: ['lifecycle', 'volume'], host: { vcpus: 8 } },
    });
    expect(limited.capabilities.capabilities['volume.extend']).toBe(false);
    expect(limited.capabilities.capabilities.volume).toBe(true);
    const full = await createDriver(memory, {});
    expect(full).toBeInstanceOf(MemoryDriver);
  });
});
