namespace Assemble.Api.Common;

/// <summary>
/// Endpoint metadata: when a request to the endpoint fails on <see cref="Field"/>, the problem also carries
/// <see cref="Text"/> under <see cref="Extension"/> (say, where to turn in a crisis), however the failure was found.
/// </summary>
public sealed record FieldNotice(string Field, string Extension, string Text);
