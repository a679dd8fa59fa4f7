namespace Hearth.Templates.Diagnostics;

/// <summary>
/// Every diagnostic code Hearth reports. Codes are stable: tools and users match on them, so a code is never
/// reused for a different problem (a test proves they are unique).
/// Ranges: HT0xx reading files (YAML/JSON syntax, versions, sections), HT1xx template structure and references,
/// HT2xx intrinsic functions, HT3xx parameters, HT4xx environments, HT5xx resource types and properties.
/// </summary>
public static class DiagnosticCodes
{
    // HT0xx: reading the file.
    public const string YamlSyntax = "HT001";
    public const string NotAMapping = "HT002";
    public const string FileNotFound = "HT003";
    public const string DuplicateKey = "HT004";
    public const string VersionMissing = "HT010";
    public const string VersionInvalid = "HT011";
    public const string VersionAmbiguous = "HT012";
    public const string UnknownSection = "HT013";
    public const string SectionWrongType = "HT014";
    public const string FileTooLarge = "HT020";
    public const string NotARegularFile = "HT021";
    public const string YamlAliasLimit = "HT022";

    // HT1xx: template structure and references.
    public const string ResourceWrongType = "HT100";
    public const string ResourceTypeMissing = "HT101";
    public const string UnknownResourceKey = "HT102";
    public const string ResourceKeyWrongType = "HT103";
    public const string UnknownResourceReference = "HT104";
    public const string DependencyCycle = "HT105";
    public const string UnknownDependency = "HT106";
    public const string OutputWrongType = "HT107";
    public const string OutputValueMissing = "HT108";
    public const string UnknownOutputKey = "HT109";
    public const string InvalidDeletionPolicy = "HT110";
    public const string UnknownCondition = "HT111";
    public const string ConditionCycle = "HT112";
    public const string ConditionInvalid = "HT113";
    public const string ParameterGroupInvalid = "HT114";
    public const string ExternalIdWithDependsOn = "HT115";
    public const string UnknownParameterReference = "HT116";
    public const string KeyNotInVersion = "HT117";

    // HT2xx: intrinsic functions.
    public const string FunctionArguments = "HT200";
    public const string FunctionNotInVersion = "HT201";
    public const string FunctionInvalidInContext = "HT202";
    public const string FunctionEvaluation = "HT203";
    public const string UnknownAttribute = "HT204";
    public const string FileNotInFiles = "HT205";
    public const string FileOutsideTemplateTree = "HT206";

    // HT207 (yaql refused) is retired: yaql is supported since issue 16, and a code is never reused.
    public const string YaqlNotSupported = "HT207";
    public const string FunctionRemoved = "HT208";
    public const string YaqlSyntax = "HT209";
    public const string YaqlEvaluation = "HT210";

    // HT3xx: parameters.
    public const string ParameterSchemaInvalid = "HT300";
    public const string ParameterMissing = "HT301";
    public const string ParameterUnknown = "HT302";
    public const string ParameterValueInvalid = "HT303";
    public const string ParameterConstraintFailed = "HT304";
    public const string ParameterImmutable = "HT305";
    public const string ParameterDefaultInvalid = "HT306";
    public const string ParameterArgumentSyntax = "HT307";

    // HT4xx: environments.
    public const string EnvironmentSection = "HT400";
    public const string EnvironmentSectionEmpty = "HT401";
    public const string RegistryEntryInvalid = "HT402";
    public const string HookInvalid = "HT403";
    public const string MergeStrategyConflict = "HT404";
    public const string RestrictedActionInvalid = "HT405";
    public const string MergeStrategyInvalid = "HT406";
    public const string EnvironmentSectionWrongType = "HT407";
    public const string RegistryCycle = "HT408";

    // HT5xx: resource types and properties.
    public const string UnknownResourceType = "HT500";
    public const string UnknownProperty = "HT501";
    public const string PropertyRequired = "HT502";
    public const string PropertyWrongType = "HT503";
    public const string PropertyConstraintFailed = "HT504";
    public const string NestedTemplateInvalid = "HT505";
    public const string DockerCmdUnknownKey = "HT506";
    public const string DockerCmdInvalid = "HT507";
}
