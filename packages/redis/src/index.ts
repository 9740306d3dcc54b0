export { createRedis, createStockRedis, checkRedis, deleteKeysWithPrefix, isCluster, mastersOf, type CreateRedisOptions, type StockRedis, type StockRedisTarget } from "./client.ts";
export { parseLuaHeader, checkLuaBody, splitLuaHeader, LuaHeaderError, type LuaHeader } from "./lua-header.ts";
export { inlineIncludes, LuaIncludeError, type LuaInclude } from "./includes.ts";
export { defineScripts, ScriptNameClashError, readLuaScript, readLuaScripts, scriptName, type LuaScript, type Scripts, type ScriptArg, type ReadLuaOptions } from "./scripts.ts";
export { GENERIC_LUA_DIR, genericScripts, fencedSet, fenceIncr, type FencedSetInput } from "./generic-scripts.ts";
export { createLeadership, type Leadership, type LeadershipLogger } from "./leadership.ts";
export { createLock, LockNotAcquiredError, LockLostError, type Locker, type LockHandle, type LockOptions, type AcquireOptions } from "./lock.ts";
export { parseRedisNodes, createLockClients } from "./nodes.ts";
