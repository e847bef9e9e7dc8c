namespace Platform.RuleEngine;

/// <summary>Names this service's assembly, for test hosts and tools that start it.</summary>
public sealed class RulesService;
