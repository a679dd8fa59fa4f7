using Microsoft.Data.Sqlite;

namespace Hearth.State.Sqlite;

/// <summary>
/// Row mapping: each record's columns, how a record binds to a command's parameters (<c>@column</c>), and how a row
/// reads back into a record. The SQL that uses them is the store's.
/// </summary>
internal static class SqliteRows
{
    public const string StackColumns =
        "id, name, parent_stack_id, parent_resource_name, action, status, status_reason, created_at, updated_at, "
        + "current_template, current_environment, current_parameters, "
        + "previous_template, previous_environment, previous_parameters, disable_rollback, operation_id, "
        + "current_description, previous_description";

    /// <summary>A resource row's columns but its id, each bound as a parameter of the same name.</summary>
    public const string ResourceValueColumns =
        "stack_id, name, type, action, status, status_reason, physical_id, properties_json, attributes_json, "
        + "metadata_json, requires_json, data_json, replaces_id, replaced_by_id, is_current, operation_id, "
        + "created_at, updated_at";

    public const string ResourceColumns = "id, " + ResourceValueColumns;

    public static readonly string[] ResourceValueNames = ResourceValueColumns.Split(", ");

    public const string EventColumns =
        "sequence, id, stack_id, stack_name, resource_name, physical_resource_id, resource_type, action, status, "
        + "status_reason, time, kind, payload";

    public const string OperationColumns = "id, stack_id, kind, state, plan_json, started_at, ended_at";

    public const string LockColumns = "owner_id, process_id, process_start_ticks, host, acquired_at, operation";

    public static void BindStack(SqliteCommand command, StackRecord stack, SealedValues values)
    {
        command.Add("@id", stack.Id);
        command.Add("@name", stack.Name);
        command.Add("@parent_stack_id", stack.ParentStackId);
        command.Add("@parent_resource_name", stack.ParentResourceName);
        command.Add("@action", (int)stack.Action);
        command.Add("@status", (int)stack.Status);
        command.Add("@status_reason", stack.StatusReason);
        command.Add("@created_at", SqliteValues.FromTime(stack.CreatedAt));
        command.Add("@updated_at", SqliteValues.FromTime(stack.UpdatedAt));
        command.Add("@current_template", values.Seal("stacks.current_template", stack.Current?.TemplateJson));
        command.Add("@current_environment", values.Seal("stacks.current_environment", stack.Current?.EnvironmentJson));
        command.Add("@current_parameters", values.Seal("stacks.current_parameters", stack.Current?.ParametersJson));
        command.Add("@previous_template", values.Seal("stacks.previous_template", stack.Previous?.TemplateJson));
        command.Add("@previous_environment", values.Seal("stacks.previous_environment", stack.Previous?.EnvironmentJson));
        command.Add("@previous_parameters", values.Seal("stacks.previous_parameters", stack.Previous?.ParametersJson));
        command.Add("@disable_rollback", stack.DisableRollback ? 1 : 0);
        command.Add("@operation_id", stack.OperationId);
        command.Add("@current_description", stack.Current?.Description);
        command.Add("@previous_description", stack.Previous?.Description);
    }

    public static StackRecord ReadStack(SqliteDataReader reader, SealedValues values) => new(
        Id: reader.GetString(0),
        Name: reader.GetString(1),
        ParentStackId: SqliteValues.ReadNullableString(reader, 2),
        ParentResourceName: SqliteValues.ReadNullableString(reader, 3),
        Action: (ResourceAction)reader.GetInt32(4),
        Status: (OperationStatus)reader.GetInt32(5),
        StatusReason: reader.GetString(6),
        CreatedAt: SqliteValues.ReadTime(reader, 7),
        UpdatedAt: SqliteValues.ReadNullableTime(reader, 8),
        Current: ReadDefinition(reader, 9, 17, "current", values),
        Previous: ReadDefinition(reader, 12, 18, "previous", values),
        DisableRollback: reader.GetInt64(15) != 0,
        OperationId: SqliteValues.ReadNullableString(reader, 16));

    private static StoredDefinition? ReadDefinition(SqliteDataReader reader, int ordinal, int descriptionOrdinal, string which, SealedValues values) =>
        reader.IsDBNull(ordinal)
            ? null
            : new StoredDefinition(
                ReadSealed(reader, ordinal, $"stacks.{which}_template", values),
                ReadSealed(reader, ordinal + 1, $"stacks.{which}_environment", values),
                ReadSealed(reader, ordinal + 2, $"stacks.{which}_parameters", values),
                SqliteValues.ReadNullableString(reader, descriptionOrdinal));

    /// <summary>A sealed column's text: a blob is sealed, text is a value written before values were sealed.</summary>
    public static string ReadSealed(SqliteDataReader reader, int ordinal, string column, SealedValues values) =>
        reader.GetValue(ordinal) is byte[] sealedValue ? values.Open(column, sealedValue) : reader.GetString(ordinal);

    public static void BindResource(SqliteStatement command, ResourceRecord resource, SealedValues values)
    {
        command.Add("@stack_id", resource.StackId);
        command.Add("@name", resource.Name);
        command.Add("@type", resource.Type);
        command.Add("@action", (int)resource.Action);
        command.Add("@status", (int)resource.Status);
        command.Add("@status_reason", values.Seal("resources.status_reason", resource.StatusReason));
        command.Add("@physical_id", resource.PhysicalId);
        command.Add("@properties_json", values.Seal("resources.properties_json", resource.PropertiesJson));
        command.Add("@attributes_json", values.Seal("resources.attributes_json", resource.AttributesJson));
        command.Add("@metadata_json", values.Seal("resources.metadata_json", resource.MetadataJson));
        command.Add("@requires_json", resource.RequiresJson);
        command.Add("@data_json", values.Seal("resources.data_json", resource.DataJson));
        command.Add("@replaces_id", resource.ReplacesId);
        command.Add("@replaced_by_id", resource.ReplacedById);
        command.Add("@is_current", resource.IsCurrent ? 1 : 0);
        command.Add("@operation_id", resource.OperationId);
        command.Add("@created_at", SqliteValues.FromTime(resource.CreatedAt));
        command.Add("@updated_at", SqliteValues.FromTime(resource.UpdatedAt));
    }

    public static ResourceRecord ReadResource(SqliteDataReader reader, SealedValues values) => new(
        Id: reader.GetInt64(0),
        StackId: reader.GetString(1),
        Name: reader.GetString(2),
        Type: reader.GetString(3),
        Action: (ResourceAction)reader.GetInt32(4),
        Status: (OperationStatus)reader.GetInt32(5),
        StatusReason: ReadSealed(reader, 6, "resources.status_reason", values),
        PhysicalId: SqliteValues.ReadNullableString(reader, 7),
        PropertiesJson: ReadSealed(reader, 8, "resources.properties_json", values),
        AttributesJson: ReadSealed(reader, 9, "resources.attributes_json", values),
        MetadataJson: ReadSealed(reader, 10, "resources.metadata_json", values),
        RequiresJson: reader.GetString(11),
        DataJson: ReadSealed(reader, 12, "resources.data_json", values),
        ReplacesId: SqliteValues.ReadNullableInt64(reader, 13),
        ReplacedById: SqliteValues.ReadNullableInt64(reader, 14),
        IsCurrent: reader.GetInt64(15) != 0,
        OperationId: SqliteValues.ReadNullableString(reader, 16),
        CreatedAt: SqliteValues.ReadTime(reader, 17),
        UpdatedAt: SqliteValues.ReadNullableTime(reader, 18));

    public static void BindEvent(SqliteStatement command, EventRecord stackEvent)
    {
        command.Add("@id", stackEvent.Id);
        command.Add("@stack_id", stackEvent.StackId);
        command.Add("@stack_name", stackEvent.StackName);
        command.Add("@resource_name", stackEvent.ResourceName);
        command.Add("@physical_resource_id", stackEvent.PhysicalResourceId);
        command.Add("@resource_type", stackEvent.ResourceType);
        command.Add("@action", (int)stackEvent.Action);
        command.Add("@status", (int)stackEvent.Status);
        command.Add("@status_reason", stackEvent.StatusReason);
        command.Add("@time", SqliteValues.FromTime(stackEvent.Time));
        command.Add("@kind", (int)stackEvent.Kind);
        command.Add("@payload", stackEvent.Payload);
    }

    public static EventRecord ReadEvent(SqliteDataReader reader) => new(
        Sequence: reader.GetInt64(0),
        Id: reader.GetString(1),
        StackId: reader.GetString(2),
        StackName: reader.GetString(3),
        ResourceName: reader.GetString(4),
        PhysicalResourceId: SqliteValues.ReadNullableString(reader, 5),
        ResourceType: reader.GetString(6),
        Action: (ResourceAction)reader.GetInt32(7),
        Status: (OperationStatus)reader.GetInt32(8),
        StatusReason: reader.GetString(9),
        Time: SqliteValues.ReadTime(reader, 10),
        Kind: (EventKind)reader.GetInt32(11),
        Payload: SqliteValues.ReadNullableString(reader, 12));

    public static void BindOperation(SqliteCommand command, OperationRecord operation)
    {
        command.Add("@id", operation.Id);
        command.Add("@stack_id", operation.StackId);
        command.Add("@kind", (int)operation.Kind);
        command.Add("@state", (int)operation.State);
        command.Add("@plan_json", operation.PlanJson);
        command.Add("@started_at", SqliteValues.FromTime(operation.StartedAt));
        command.Add("@ended_at", SqliteValues.FromTime(operation.EndedAt));
    }

    public static OperationRecord ReadOperation(SqliteDataReader reader) => new(
        Id: reader.GetString(0),
        StackId: reader.GetString(1),
        Kind: (ResourceAction)reader.GetInt32(2),
        State: (OperationState)reader.GetInt32(3),
        PlanJson: reader.GetString(4),
        StartedAt: SqliteValues.ReadTime(reader, 5),
        EndedAt: SqliteValues.ReadNullableTime(reader, 6));

    public static void BindLock(SqliteCommand command, string stackId, LockOwner owner)
    {
        command.Add("@stack_id", stackId);
        command.Add("@owner_id", owner.OwnerId);
        command.Add("@process_id", owner.ProcessId);
        command.Add("@process_start_ticks", owner.ProcessStartTicks);
        command.Add("@host", owner.Host);
        command.Add("@acquired_at", SqliteValues.FromTime(owner.AcquiredAt));
        command.Add("@operation", owner.Operation);
    }

    public static LockOwner ReadLockOwner(SqliteDataReader reader) => new(
        OwnerId: reader.GetString(0),
        ProcessId: reader.GetInt32(1),
        ProcessStartTicks: reader.GetInt64(2),
        Host: reader.GetString(3),
        AcquiredAt: SqliteValues.ReadTime(reader, 4),
        Operation: reader.GetString(5));
}
