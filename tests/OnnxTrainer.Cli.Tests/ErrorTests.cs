namespace OnnxTrainer.Cli.Tests;

/// <summary>
/// Every user error: exit code 2, exactly one line "error: ..." on stderr naming the bad value, nothing on stdout,
/// and no file written. "{dir}" in arguments is a fresh temporary folder.
/// </summary>
public class ErrorTests
{
    public static TheoryData<string[], string[]> Cases => new()
    {
        // arguments, parts the message must contain
        { ["summary", "vgg17"], ["Unknown model 'vgg17'", "vgg16-base"] },
        { ["summary", "vgg16-base", "--head", "dense512"], ["Unknown head 'dense512'", "dense256"] },
        { ["summary", "mnist-convnet", "--input-shape", "8,8,1"], ["(8, 8, 1)", "at least 2x2", "got 1x1"] },
        { ["summary", "vgg16-base", "--input-shape", "31,31,3"], ["at least 32x32", "31x31"] },
        { ["summary", "vgg16-base", "--head", "dense256", "--trainable-from", "block6_conv1"], ["'block6_conv1'", "block5_conv1"] },
        { ["summary", "mnist-convnet", "--input-shape", "28x28x1"], ["--input-shape expects H,W,C", "'28x28x1'"] },
        { ["summary", "mnist-convnet", "--input-shape", "28,28"], ["--input-shape expects H,W,C", "'28,28'"] },
        { ["summary", "mnist-convnet", "--input-shape", "28,0,1"], ["--input-shape expects H,W,C", "'28,0,1'"] },
        { ["summary", "mnist-convnet", "--input-shape", "28,28,-1"], ["'28,28,-1'"] },
        { ["summary", "vgg16", "--input-shape", "150,150,3"], ["(224, 224, 3)", "(150, 150, 3)"] },
        { ["summary", "vgg16-base", "--head", "dense256", "--freeze-base", "--trainable-from", "block5_conv1"], ["--freeze-base", "--trainable-from block5_conv1"] },
        { ["summary", "mnist-convnet", "--classes", "ten"], ["--classes", "'ten'"] },
        { ["summary", "mnist-convnet", "--classes", "0"], ["--classes", "got 0"] },
        { ["summary", "vgg16-base", "--classes", "3"], ["vgg16-base", "--head"] },
        { ["summary", "mnist-convnet", "--freeze-base"], ["'mnist-convnet' has no base", "--head"] },
        { ["summary"], ["Required argument missing", "summary"] },
        { ["summary", "mnist-convnet", "--bogus"], ["'--bogus'"] },
        { ["frobnicate"], ["'frobnicate'"] },
        { [], ["Required command was not provided"] },
        { ["export", "vgg17", "--out", "{dir}/m.onnx"], ["'vgg17'"] },
        { ["export", "vgg16-base", "--head", "dense512", "--out", "{dir}/m.onnx"], ["'dense512'"] },
        { ["export", "mnist-convnet", "--input-shape", "8,8,1", "--out", "{dir}/m.onnx"], ["(8, 8, 1)"] },
        { ["export", "mnist-convnet", "--input-shape", "28;28;1", "--out", "{dir}/m.onnx"], ["'28;28;1'"] },
        { ["export", "vgg16-base", "--head", "dense256", "--trainable-from", "block6_conv1", "--out", "{dir}/m.onnx"], ["'block6_conv1'"] },
        { ["export", "vgg16-base", "--head", "dense256", "--freeze-base", "--trainable-from", "block5_conv1", "--out", "{dir}/m.onnx"], ["--freeze-base"] },
        { ["export", "mnist-convnet", "--seed", "x", "--out", "{dir}/m.onnx"], ["--seed", "'x'"] },
        { ["export", "mnist-convnet"], ["'--out' is required"] },
        { ["export", "mnist-convnet", "--out", "{dir}/missing/m.onnx"], ["--out", "{dir}/missing", "does not exist"] },
        { ["export", "mnist-convnet", "--out", "{dir}/folder"], ["--out", "'{dir}/folder' is a folder"] },
        { ["export", "mnist-convnet", "--out", "{dir}/blocked.onnx"], ["--out: cannot follow the symbolic link", "{dir}/blocked.onnx"] },
        { ["train", "mnist-convnet", "--data", "fashion-mnist", "--smooth-factor", "0.9", "--out", "{dir}/run"], ["--smooth-factor", "needs --smooth-curves"] },
        { ["train", "mnist-convnet", "--data", "fashion-mnist", "--smooth-curves", "--smooth-factor", "1", "--out", "{dir}/run"], ["--smooth-factor expects a number in [0, 1)", "'1'"] },
        { ["train", "mnist-convnet", "--data", "fashion-mnist", "--smooth-curves", "--smooth-factor", "-0.2", "--out", "{dir}/run"], ["--smooth-factor", "'-0.2'"] },
        { ["train", "mnist-convnet", "--data", "fashion-mnist", "--smooth-curves", "false", "--smooth-factor", "0.5", "--out", "{dir}/run"], ["needs --smooth-curves"] },
        { ["transfer-demo", "--smooth-factor", "0.5", "--out", "{dir}/demo"], ["--smooth-factor", "needs --smooth-curves"] },
        { ["transfer-demo", "--base", "resnet18", "--classes", "a,b", "--out", "{dir}/demo"], ["--classes applies to --base mnist-convnet"] },
        { ["transfer-demo", "--base", "foo", "--out", "{dir}/demo"], ["--base expects mnist-convnet or resnet18, got 'foo'."] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fails_with_one_line_and_exit_code_2(string[] args, string[] mentions)
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir["folder"]);
        File.CreateSymbolicLink(dir["blocked.onnx"], dir["blocked.onnx"]); // a link to itself: the target cannot be resolved
        var before = dir.Contents();

        var run = CliRun.Of(args.Select(a => a.Replace("{dir}", dir.Path)).ToArray());

        Assert.Equal(Program.UsageError, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.StartsWith("error: ", run.Stderr);
        Assert.EndsWith("\n", run.Stderr);
        Assert.Single(run.Stderr.TrimEnd('\n').Split('\n'));
        foreach (var m in mentions) Assert.Contains(m.Replace("{dir}", dir.Path), run.Stderr);
        Assert.Equal(before, dir.Contents());
    }
}
