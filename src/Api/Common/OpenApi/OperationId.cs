namespace Assemble.Api.Common.OpenApi;

/// <summary>
/// Endpoint metadata: the operationId to document where WithName cannot be used (an endpoint whose name something
/// else relies on, such as Identity's confirmEmail). <see cref="OperationRules"/> applies it.
/// </summary>
public sealed record OperationId(string Value);
