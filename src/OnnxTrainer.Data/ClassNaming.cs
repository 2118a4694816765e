using System.Text;

namespace OnnxTrainer.Data;

/// <summary>Class names as folder names: "T-shirt/top" -> "t_shirt_top", "Ankle boot" -> "ankle_boot".</summary>
public static class ClassNaming
{
    /// <summary>Lower-case ASCII letters and digits; every run of other characters becomes one '_', none at the ends.</summary>
    public static string FolderSafe(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder(name.Length);
        bool pendingSeparator = false;
        foreach (char c in name)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                if (pendingSeparator && sb.Length > 0) sb.Append('_');
                pendingSeparator = false;
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                pendingSeparator = true;
            }
        }
        if (sb.Length == 0)
            throw new ArgumentException($"Class name '{name}' has no letters or digits to make a folder name from.", nameof(name));
        return sb.ToString();
    }
}
