namespace OnnxTrainer.Models.Tests;

/// <summary>
/// The summary() tables of the seeds, row by row. Layer names follow a fresh Keras session (conv2d_1, dense_1, ...),
/// as the zoo names them; the seeds' notebooks sometimes show later numbers (dense_3) from reused sessions.
/// Keras 1 printed "Convolution2D" where Keras 2 prints "Conv2D"; the counts and shapes are the seeds'.
/// </summary>
public static class SeedTables
{
    private static SummaryRow R(string layer, string shape, long n) => new(layer, shape, n);

    /// <summary>seeds/003 listing 5.1: the convolutional stack alone.</summary>
    public static readonly SummaryRow[] MnistConvStack =
    [
        R("conv2d_1 (Conv2D)", "(None, 26, 26, 32)", 320),
        R("maxpooling2d_1 (MaxPooling2D)", "(None, 13, 13, 32)", 0),
        R("conv2d_2 (Conv2D)", "(None, 11, 11, 64)", 18496),
        R("maxpooling2d_2 (MaxPooling2D)", "(None, 5, 5, 64)", 0),
        R("conv2d_3 (Conv2D)", "(None, 3, 3, 64)", 36928),
    ];

    /// <summary>seeds/003 listing 5.2 (after listing 5.1): total 93,322.</summary>
    public static readonly SummaryRow[] Mnist =
    [
        .. MnistConvStack,
        R("flatten_1 (Flatten)", "(None, 576)", 0),
        R("dense_1 (Dense)", "(None, 64)", 36928),
        R("dense_2 (Dense)", "(None, 10)", 650),
    ];

    private static readonly SummaryRow[] CatsDogsConvStack =
    [
        R("conv2d_1 (Conv2D)", "(None, 148, 148, 32)", 896),
        R("maxpooling2d_1 (MaxPooling2D)", "(None, 74, 74, 32)", 0),
        R("conv2d_2 (Conv2D)", "(None, 72, 72, 64)", 18496),
        R("maxpooling2d_2 (MaxPooling2D)", "(None, 36, 36, 64)", 0),
        R("conv2d_3 (Conv2D)", "(None, 34, 34, 128)", 73856),
        R("maxpooling2d_3 (MaxPooling2D)", "(None, 17, 17, 128)", 0),
        R("conv2d_4 (Conv2D)", "(None, 15, 15, 128)", 147584),
        R("maxpooling2d_4 (MaxPooling2D)", "(None, 7, 7, 128)", 0),
        R("flatten_1 (Flatten)", "(None, 6272)", 0),
    ];

    /// <summary>seeds/003 listing 5.5: total 3,453,121.</summary>
    public static readonly SummaryRow[] CatsDogs =
    [
        .. CatsDogsConvStack,
        R("dense_1 (Dense)", "(None, 512)", 3211776),
        R("dense_2 (Dense)", "(None, 1)", 513),
    ];

    /// <summary>seeds/003 listing 5.13 (its summary is printed in section 5.4.1): total 3,453,121.</summary>
    public static readonly SummaryRow[] CatsDogsDropout =
    [
        .. CatsDogsConvStack,
        R("dropout_1 (Dropout)", "(None, 6272)", 0),
        R("dense_1 (Dense)", "(None, 512)", 3211776),
        R("dense_2 (Dense)", "(None, 1)", 513),
    ];

    /// <summary>
    /// seeds/000 "Convnet" (64x64x3), which prints no summary; computed by hand:
    /// conv 3x3x3x32+32 = 896; 62 -> pool 31; conv 4x4x32x32+32 = 16,416 -> 28 -> pool 14; conv 3x3x32x64+64 = 18,496
    /// -> 12 -> pool 6; flatten 6*6*64 = 2,304; dense 2,304*64+64 = 147,520; dense 64+1 = 65. Total 183,393.
    /// </summary>
    public static readonly SummaryRow[] Santa =
    [
        R("conv2d_1 (Conv2D)", "(None, 62, 62, 32)", 896),
        R("maxpooling2d_1 (MaxPooling2D)", "(None, 31, 31, 32)", 0),
        R("conv2d_2 (Conv2D)", "(None, 28, 28, 32)", 16416),
        R("maxpooling2d_2 (MaxPooling2D)", "(None, 14, 14, 32)", 0),
        R("conv2d_3 (Conv2D)", "(None, 12, 12, 64)", 18496),
        R("maxpooling2d_3 (MaxPooling2D)", "(None, 6, 6, 64)", 0),
        R("flatten_1 (Flatten)", "(None, 2304)", 0),
        R("dense_1 (Dense)", "(None, 64)", 147520),
        R("dense_2 (Dense)", "(None, 1)", 65),
    ];

    public const long SantaTotal = 183_393;

    /// <summary>seeds/003 listing 5.16, conv_base.summary() at 150x150x3: total 14,714,688.</summary>
    public static readonly SummaryRow[] Vgg16Base150 =
    [
        R("input_1 (InputLayer)", "(None, 150, 150, 3)", 0),
        R("block1_conv1 (Conv2D)", "(None, 150, 150, 64)", 1792),
        R("block1_conv2 (Conv2D)", "(None, 150, 150, 64)", 36928),
        R("block1_pool (MaxPooling2D)", "(None, 75, 75, 64)", 0),
        R("block2_conv1 (Conv2D)", "(None, 75, 75, 128)", 73856),
        R("block2_conv2 (Conv2D)", "(None, 75, 75, 128)", 147584),
        R("block2_pool (MaxPooling2D)", "(None, 37, 37, 128)", 0),
        R("block3_conv1 (Conv2D)", "(None, 37, 37, 256)", 295168),
        R("block3_conv2 (Conv2D)", "(None, 37, 37, 256)", 590080),
        R("block3_conv3 (Conv2D)", "(None, 37, 37, 256)", 590080),
        R("block3_pool (MaxPooling2D)", "(None, 18, 18, 256)", 0),
        R("block4_conv1 (Conv2D)", "(None, 18, 18, 512)", 1180160),
        R("block4_conv2 (Conv2D)", "(None, 18, 18, 512)", 2359808),
        R("block4_conv3 (Conv2D)", "(None, 18, 18, 512)", 2359808),
        R("block4_pool (MaxPooling2D)", "(None, 9, 9, 512)", 0),
        R("block5_conv1 (Conv2D)", "(None, 9, 9, 512)", 2359808),
        R("block5_conv2 (Conv2D)", "(None, 9, 9, 512)", 2359808),
        R("block5_conv3 (Conv2D)", "(None, 9, 9, 512)", 2359808),
        R("block5_pool (MaxPooling2D)", "(None, 4, 4, 512)", 0),
    ];

    public const long Vgg16BaseTotal = 14_714_688;
    public const long Vgg19BaseTotal = 20_024_384;
    public const long Vgg16WithTopTotal = 138_357_544;
    public const long Vgg19WithTopTotal = 143_667_240;

    /// <summary>keras.applications VGG16 top at 224x224: flatten 7*7*512, fc1, fc2, predictions.</summary>
    public static readonly SummaryRow[] VggTop224 =
    [
        R("block5_pool (MaxPooling2D)", "(None, 7, 7, 512)", 0),
        R("flatten (Flatten)", "(None, 25088)", 0),
        R("fc1 (Dense)", "(None, 4096)", 102764544),
        R("fc2 (Dense)", "(None, 4096)", 16781312),
        R("predictions (Dense)", "(None, 1000)", 4097000),
    ];

    /// <summary>seeds/003 listing 5.20 summary (and seeds/001 In [22]): total 16,812,353.</summary>
    public static readonly SummaryRow[] Dense256OnVgg16 =
    [
        R("vgg16 (Model)", "(None, 4, 4, 512)", 14714688),
        R("flatten_1 (Flatten)", "(None, 8192)", 0),
        R("dense_1 (Dense)", "(None, 256)", 2097408),
        R("dense_2 (Dense)", "(None, 1)", 257),
    ];

    /// <summary>seeds/003 listing 5.18's classifier on the base: the same total as <see cref="Dense256OnVgg16"/>.</summary>
    public static readonly SummaryRow[] Dense256DropoutOnVgg16 =
    [
        R("vgg16 (Model)", "(None, 4, 4, 512)", 14714688),
        R("flatten_1 (Flatten)", "(None, 8192)", 0),
        R("dense_1 (Dense)", "(None, 256)", 2097408),
        R("dropout_1 (Dropout)", "(None, 256)", 0),
        R("dense_2 (Dense)", "(None, 1)", 257),
    ];

    /// <summary>seeds/001 model2.summary(): total 14,895,457.</summary>
    public static readonly SummaryRow[] Conv32Dense256OnVgg16 =
    [
        R("vgg16 (Model)", "(None, 4, 4, 512)", 14714688),
        R("conv2d_1 (Conv2D)", "(None, 2, 2, 32)", 147488),
        R("flatten_1 (Flatten)", "(None, 128)", 0),
        R("dense_1 (Dense)", "(None, 256)", 33024),
        R("dense_2 (Dense)", "(None, 1)", 257),
    ];
}
