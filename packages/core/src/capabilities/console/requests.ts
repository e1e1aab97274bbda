import { IsString, Matches, MaxLength } from 'class-validator';
import { InstanceRequest } from '../../driver/core-requests.js';

/** `getConsoleOutput`: the instance whose console log to read. */
export class GetConsoleOutputRequest extends InstanceRequest {}

/**
 * `getVncConsole`, `getSpiceConsole`, `getRdpConsole`, `getSerialConsole`,
 * `getMksConsole`: the instance whose console to open. The console kind is
 * the call itself, so the request carries nothing else.
 */
export class GetConsoleRequest extends InstanceRequest {}

/** Console type names of the console pool: a short, safe alphabet (`vnc`, `xvpvnc`, ...). */
export const CONSOLE_TYPE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** `getConsolePoolInfo` (deprecated): the console type whose pool to describe. */
export class GetConsolePoolInfoRequest {
  @IsString() @MaxLength(32) @Matches(CONSOLE_TYPE_PATTERN) consoleType!: string;
}
