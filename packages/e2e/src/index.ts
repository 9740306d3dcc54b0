export { startStack, runScript, portVar, SERVICES, JWT_SECRET, ROOT, type Stack, type StackOptions, type Instance, type ServiceName } from "./stack.ts";
export { api, mintBuyer, setUpDrop, purchase, sleepUntil, type Api, type Reply, type DropSetup, type PurchaseReply } from "./api.ts";
