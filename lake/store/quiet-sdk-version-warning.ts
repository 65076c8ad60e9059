// The AWS SDK prints a nine-line NodeVersionSupportWarning on Node 20 (which lakeloop
// supports; its end of life upstream is no news to a user) through process.emitWarning.
// The SDK's own switch turns exactly that warning off; every other warning still
// reaches the user. Imported by every module that makes an SDK client.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
export {};
