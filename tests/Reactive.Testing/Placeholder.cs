namespace Reactive.Testing;

internal static class Placeholder;
