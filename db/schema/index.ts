// The schema object drizzle needs for typed queries; the only aggregating module in db/.
export * from "./fleet";
export * from "./auth";
export * from "./audit";
export * from "./ignition";
export * from "./approvals";
export * from "./rollouts";
export * from "./history";
export * from "./webhooks";
export * from "./catalog";
export * from "./host-failures";
export * from "./fleet-policy";
