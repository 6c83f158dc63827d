using System.Runtime.CompilerServices;

// The sources' implementation classes are internal (users get them as ILineSource from LineSource); the tests, the
// benchmark and the Host see them.
[assembly: InternalsVisibleTo("Reactive.Sources.Tests")]
[assembly: InternalsVisibleTo("Reactive.Host.Tests")]
[assembly: InternalsVisibleTo("Reactive.Bench")]
[assembly: InternalsVisibleTo("Reactive.Host")]
